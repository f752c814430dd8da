using System.Text.Json.Nodes;

namespace AeroGrid.ControlPlane.Api.Patching;

/// <summary>
/// The fields of JSON objects as server-side apply counts them, read against a kind's structural schema: objects
/// field by field, lists marked <c>x-kubernetes-list-type: map</c> item by item (by their keys), everything else
/// (scalars, other lists, empty objects) a leaf.
/// </summary>
/// <remarks>
/// Our own, after structured-merge-diff, kube-apiserver's Go library: a list-map item is itself in the set
/// (<c>.</c>) besides its fields, an object field only through what it holds. A field the schema does not
/// describe (labels, annotations) is read the same way, field by field.
/// </remarks>
internal static class ObjectFields
{
    /// <summary>Every field path in <paramref name="node"/>.</summary>
    /// <exception cref="ApiError">422 when a list-map item lacks a key field.</exception>
    public static FieldSet Of(JsonNode? node, JsonObject? schema)
    {
        var set = new FieldSet();
        Collect(node, schema, [], set);
        return set;
    }

    /// <summary>
    /// What changed from <paramref name="before"/> to <paramref name="after"/>: the paths added or given another value,
    /// and the roots of what was removed.
    /// </summary>
    public static (FieldSet Changed, FieldSet Removed) Compare(JsonObject before, JsonObject after, JsonObject? schema)
    {
        var changed = new FieldSet();
        var removed = new FieldSet();
        Compare(before, after, schema, [], changed, removed);
        return (changed, removed);
    }

    /// <summary>Removes the field at <paramref name="path"/>, unless it is a key of the list-map item it is in.</summary>
    public static void Remove(JsonObject root, IReadOnlyList<string> path, JsonObject? schema)
    {
        JsonNode? node = root;
        IReadOnlyList<string>? itemKeys = null;
        for (var i = 0; i < path.Count; i++)
        {
            var last = i == path.Count - 1;
            if (node is JsonObject obj && path[i].StartsWith("f:", StringComparison.Ordinal))
            {
                var name = path[i][2..];
                if (last)
                {
                    // An item without its key has no identity: it goes as a whole or not at all.
                    if (itemKeys?.Contains(name) != true)
                    {
                        obj.Remove(name);
                    }
                    return;
                }
                node = obj[name];
                schema = Property(schema, name);
                itemKeys = null;
            }
            else if (node is JsonArray array && MapKeys(schema) is { } keys && IndexOf(array, keys, path[i]) is >= 0 and var index)
            {
                if (last)
                {
                    array.RemoveAt(index);
                    return;
                }
                node = array[index];
                schema = Items(schema);
                itemKeys = keys;
            }
            else
            {
                return;
            }
        }
    }

    public static JsonObject? Property(JsonObject? schema, string name) =>
        schema?["properties"]?[name] as JsonObject ?? schema?["additionalProperties"] as JsonObject;

    public static JsonObject? Items(JsonObject? schema) => schema?["items"] as JsonObject;

    /// <summary>The key fields of a list-map, or null for any other schema.</summary>
    public static IReadOnlyList<string>? MapKeys(JsonObject? schema) =>
        schema?["x-kubernetes-list-type"]?.GetValue<string>() == "map" && schema["x-kubernetes-list-map-keys"] is JsonArray keys
            ? [.. keys.Select(key => key!.GetValue<string>())]
            : null;

    /// <summary>The element naming <paramref name="item"/> in its list-map.</summary>
    /// <exception cref="ApiError">422 when the item lacks a key field.</exception>
    public static string KeyOf(JsonNode? item, IReadOnlyList<string> keys, IReadOnlyList<string> listPath)
    {
        if (item is not JsonObject obj || !keys.All(obj.ContainsKey))
        {
            throw new ApiError(422, "Invalid",
                $"{FieldSet.Format(listPath).TrimStart('.')}: Invalid value: every item of the list needs its key field \"{string.Join("\", \"", keys)}\"");
        }
        return FieldSet.Key(keys.Select(key => KeyValuePair.Create(key, obj[key])));
    }

    private static void Collect(JsonNode? node, JsonObject? schema, IReadOnlyList<string> path, FieldSet set)
    {
        switch (node)
        {
            case JsonObject { Count: > 0 } obj:
                foreach (var (name, value) in obj)
                {
                    Collect(value, Property(schema, name), [.. path, FieldSet.Field(name)], set);
                }
                break;
            case JsonArray array when MapKeys(schema) is { } keys:
                foreach (var item in array)
                {
                    IReadOnlyList<string> itemPath = [.. path, KeyOf(item, keys, path)];
                    set.Add(itemPath);
                    Collect(item, Items(schema), itemPath, set);
                }
                break;
            default:
                if (path.Count > 0)
                {
                    set.Add(path);
                }
                break;
        }
    }

    private static void Compare(JsonNode? before, JsonNode? after, JsonObject? schema, IReadOnlyList<string> path, FieldSet changed, FieldSet removed)
    {
        switch (before, after)
        {
            // The root is always compared field by field, even when one side has no fields.
            case (JsonObject old, JsonObject now) when path.Count == 0 || (old.Count > 0 && now.Count > 0):
                foreach (var name in old.Select(field => field.Key))
                {
                    if (!now.ContainsKey(name))
                    {
                        removed.Add([.. path, FieldSet.Field(name)]);
                    }
                }
                foreach (var (name, value) in now)
                {
                    IReadOnlyList<string> child = [.. path, FieldSet.Field(name)];
                    if (old.TryGetPropertyValue(name, out var previous))
                    {
                        Compare(previous, value, Property(schema, name), child, changed, removed);
                    }
                    else
                    {
                        Collect(value, Property(schema, name), child, changed);
                    }
                }
                break;
            case (JsonArray old, JsonArray now) when MapKeys(schema) is { } keys:
                // Status is not validated, so a key may repeat there; the first item with it counts.
                var previousItems = new Dictionary<string, JsonNode?>();
                foreach (var item in old)
                {
                    previousItems.TryAdd(KeyOf(item, keys, path), item);
                }
                var currentKeys = new HashSet<string>();
                foreach (var item in now)
                {
                    var key = KeyOf(item, keys, path);
                    currentKeys.Add(key);
                    IReadOnlyList<string> itemPath = [.. path, key];
                    if (previousItems.TryGetValue(key, out var previous))
                    {
                        Compare(previous, item, Items(schema), itemPath, changed, removed);
                    }
                    else
                    {
                        changed.Add(itemPath);
                        Collect(item, Items(schema), itemPath, changed);
                    }
                }
                foreach (var key in previousItems.Keys.Where(key => !currentKeys.Contains(key)))
                {
                    removed.Add([.. path, key]);
                }
                break;
            default:
                if (!JsonNode.DeepEquals(before, after))
                {
                    // A leaf that became an object (or the reverse) loses what was below it.
                    removed.Add(path);
                    Collect(after, schema, path, changed);
                }
                break;
        }
    }

    /// <summary>The index of the list-map item named by <paramref name="element"/>, or -1.</summary>
    public static int IndexOf(JsonArray array, IReadOnlyList<string> keys, string element)
    {
        for (var i = 0; i < array.Count; i++)
        {
            if (array[i] is JsonObject item && keys.All(item.ContainsKey) && FieldSet.Key(keys.Select(key => KeyValuePair.Create(key, item[key]))) == element)
            {
                return i;
            }
        }
        return -1;
    }
}
