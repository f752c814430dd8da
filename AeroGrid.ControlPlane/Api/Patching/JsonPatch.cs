using System.Globalization;
using System.Text.Json.Nodes;

namespace AeroGrid.ControlPlane.Api.Patching;

/// <summary>RFC 6902 JSON patch: add, remove, replace, move, copy and test, addressed by RFC 6901 pointers.</summary>
internal static class JsonPatch
{
    /// <exception cref="ApiError">400 when an operation is malformed, 422 when a <c>test</c> fails or a path is missing.</exception>
    public static JsonNode Apply(JsonNode document, JsonArray operations)
    {
        var root = document.DeepClone();
        foreach (var operation in operations)
        {
            if (operation is not JsonObject op || op["op"]?.GetValue<string>() is not { } name || op["path"]?.GetValue<string>() is not { } path)
            {
                throw ApiError.BadRequest("every JSON patch operation needs \"op\" and \"path\"");
            }
            switch (name)
            {
                case "add":
                    root = Add(root, path, Value(op));
                    break;
                case "remove":
                    Remove(root, path);
                    break;
                case "replace":
                    Remove(root, path);
                    root = Add(root, path, Value(op));
                    break;
                case "move":
                    var moved = Get(root, From(op));
                    Remove(root, From(op));
                    root = Add(root, path, moved);
                    break;
                case "copy":
                    root = Add(root, path, Get(root, From(op))?.DeepClone());
                    break;
                case "test":
                    if (!JsonNode.DeepEquals(Get(root, path), Value(op)))
                    {
                        throw new ApiError(422, "Invalid", $"JSON patch test failed: the value at \"{path}\" differs");
                    }
                    break;
                default:
                    throw ApiError.BadRequest($"unknown JSON patch operation \"{name}\"");
            }
        }
        return root;
    }

    private static JsonNode? Value(JsonObject op) =>
        op.TryGetPropertyValue("value", out var value) ? value?.DeepClone() : throw ApiError.BadRequest("this JSON patch operation needs a \"value\"");

    private static string From(JsonObject op) =>
        op["from"]?.GetValue<string>() ?? throw ApiError.BadRequest("a JSON patch move or copy needs \"from\"");

    private static string[] Segments(string pointer)
    {
        if (pointer.Length == 0)
        {
            return [];
        }
        if (pointer[0] != '/')
        {
            throw ApiError.BadRequest($"\"{pointer}\" is not a JSON pointer (it must start with '/')");
        }
        return [.. pointer[1..].Split('/').Select(s => s.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal))];
    }

    private static JsonNode? Get(JsonNode root, string pointer)
    {
        var node = root;
        foreach (var segment in Segments(pointer))
        {
            node = node switch
            {
                JsonObject obj when obj.TryGetPropertyValue(segment, out var child) => child,
                JsonArray array when int.TryParse(segment, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < array.Count => array[i],
                _ => throw Missing(pointer),
            };
            if (node is null)
            {
                return null;
            }
        }
        return node;
    }

    private static JsonNode Add(JsonNode root, string pointer, JsonNode? value)
    {
        var segments = Segments(pointer);
        if (segments.Length == 0)
        {
            return value ?? throw ApiError.BadRequest("the whole document cannot be replaced by null");
        }
        var parent = Get(root, Pointer(segments[..^1]));
        var last = segments[^1];
        switch (parent)
        {
            case JsonObject obj:
                obj[last] = value;
                break;
            case JsonArray array when last == "-":
                array.Add(value);
                break;
            case JsonArray array when int.TryParse(last, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i <= array.Count:
                array.Insert(i, value);
                break;
            default:
                throw Missing(pointer);
        }
        return root;
    }

    private static void Remove(JsonNode root, string pointer)
    {
        var segments = Segments(pointer);
        var parent = Get(root, Pointer(segments[..^1]));
        var last = segments[^1];
        var removed = parent switch
        {
            JsonObject obj => obj.Remove(last),
            JsonArray array when int.TryParse(last, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < array.Count => RemoveAt(array, i),
            _ => false,
        };
        if (!removed)
        {
            throw Missing(pointer);
        }
    }

    private static bool RemoveAt(JsonArray array, int index)
    {
        array.RemoveAt(index);
        return true;
    }

    private static string Pointer(IEnumerable<string> segments) => string.Concat(segments.Select(s => "/" + Escape(s)));

    private static string Escape(string segment) => segment.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);

    private static ApiError Missing(string pointer) => new(422, "Invalid", $"JSON patch path \"{pointer}\" does not exist");
}
