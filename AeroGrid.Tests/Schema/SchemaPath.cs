using System.Text.Json.Nodes;

namespace AeroGrid.Tests.Schema;

/// <summary>Finds the schema of a field by a kubectl-style path such as <c>.spec.files[].path</c>.</summary>
internal static class SchemaPath
{
    /// <summary>The field's schema, or null when the schema has no such field.</summary>
    public static JsonObject? Resolve(JsonObject schema, string path)
    {
        JsonNode? node = schema;
        foreach (var segment in path.TrimStart('.').Split('.'))
        {
            var isList = segment.EndsWith("[]", StringComparison.Ordinal);
            node = node?["properties"]?[isList ? segment[..^2] : segment];
            if (isList)
            {
                node = node?["items"];
            }
        }
        return node as JsonObject;
    }

    /// <summary>Like <see cref="Resolve"/>, but a missing field fails the test.</summary>
    public static JsonObject Field(JsonObject schema, string path)
    {
        var field = Resolve(schema, path);
        Assert.True(field is not null, $"the schema has no field {path}");
        return field;
    }
}
