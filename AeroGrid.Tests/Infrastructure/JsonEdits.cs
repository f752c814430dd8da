using System.Globalization;
using System.Text.Json.Nodes;

namespace AeroGrid.Tests.Infrastructure;

/// <summary>Targeted damage to a valid document, for tests that a validator catches it.</summary>
internal static class JsonEdits
{
    /// <summary>
    /// Sets the field at a JSON pointer such as <c>/spec/files/0/path</c> to <paramref name="json"/>, or removes it
    /// when <paramref name="json"/> is null.
    /// </summary>
    public static void Replace(JsonNode document, string pointer, string? json)
    {
        var segments = pointer.TrimStart('/').Split('/');
        var parent = segments[..^1].Aggregate(document, (node, segment) =>
            node is JsonArray array ? array[int.Parse(segment, CultureInfo.InvariantCulture)]! : node[segment]!);
        if (json is null)
        {
            parent.AsObject().Remove(segments[^1]);
        }
        else
        {
            parent[segments[^1]] = JsonNode.Parse(json);
        }
    }
}
