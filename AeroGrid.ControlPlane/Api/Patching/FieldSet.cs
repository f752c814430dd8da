using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace AeroGrid.ControlPlane.Api.Patching;

/// <summary>
/// A set of field paths, as one managedFields entry holds them in the <c>FieldsV1</c> format: a path is a list of
/// elements, <c>f:name</c> for an object's field and <c>k:{"path":"app.py"}</c> for a list-map item by its keys;
/// a path in the set is <c>{}</c> when nothing below it is, and <c>.</c> among its children when something is.
/// </summary>
/// <remarks>
/// Our own: KubernetesClient carries <c>fieldsV1</c> as opaque JSON and no .NET library reads the format
/// (https://kubernetes.io/docs/reference/using-api/server-side-apply/#field-management). Sets are small (the fields
/// of one object), so the operations walk paths rather than trees.
/// </remarks>
internal sealed class FieldSet
{
    private const string Self = ".";

    /// <summary>Key elements written as kube-apiserver writes them, without escaping every non-ASCII character.</summary>
    private static readonly JsonSerializerOptions KeyJson = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly SortedDictionary<string, FieldSet> _children = new(StringComparer.Ordinal);
    private bool _member;

    public bool IsEmpty => !_member && _children.Count == 0;

    public static string Field(string name) => "f:" + name;

    /// <summary>The element of a list-map item: its key fields, sorted by name.</summary>
    public static string Key(IEnumerable<KeyValuePair<string, JsonNode?>> keys) =>
        "k:" + new JsonObject(keys.OrderBy(k => k.Key, StringComparer.Ordinal).Select(k => KeyValuePair.Create(k.Key, k.Value?.DeepClone())))
            .ToJsonString(KeyJson);

    public static FieldSet Of(IEnumerable<IReadOnlyList<string>> paths)
    {
        var set = new FieldSet();
        foreach (var path in paths)
        {
            set.Add(path);
        }
        return set;
    }

    /// <exception cref="ApiError">400 when <paramref name="fieldsV1"/> is not a FieldsV1 tree.</exception>
    public static FieldSet Parse(JsonNode? fieldsV1)
    {
        var set = new FieldSet();
        if (fieldsV1 is null)
        {
            return set;
        }
        if (fieldsV1 is not JsonObject tree)
        {
            throw ApiError.BadRequest("metadata.managedFields: fieldsV1 must be an object");
        }
        foreach (var (element, child) in tree)
        {
            if (element == Self)
            {
                set._member = true;
                continue;
            }
            var parsed = Parse(child);
            if (parsed.IsEmpty)
            {
                parsed._member = true;
            }
            set._children[element] = parsed;
        }
        return set;
    }

    public JsonObject ToFieldsV1()
    {
        var tree = new JsonObject();
        if (_member && _children.Count > 0)
        {
            tree[Self] = new JsonObject();
        }
        foreach (var (element, child) in _children)
        {
            tree[element] = child.ToFieldsV1();
        }
        return tree;
    }

    public void Add(IReadOnlyList<string> path)
    {
        var node = this;
        foreach (var element in path)
        {
            if (!node._children.TryGetValue(element, out var child))
            {
                child = new FieldSet();
                node._children[element] = child;
            }
            node = child;
        }
        node._member = true;
    }

    public bool Contains(IReadOnlyList<string> path) => Find(path) is { _member: true };

    /// <summary>Whether the path or any path below it is in the set.</summary>
    public bool Touches(IReadOnlyList<string> path) => Find(path) is { IsEmpty: false };

    /// <summary>Whether the path or one of its ancestors is in the set.</summary>
    public bool Covers(IReadOnlyList<string> path)
    {
        var node = this;
        foreach (var element in path)
        {
            if (node._member)
            {
                return true;
            }
            if (!node._children.TryGetValue(element, out node))
            {
                return false;
            }
        }
        return node._member;
    }

    /// <summary>The paths in the set, parents before children.</summary>
    public IEnumerable<IReadOnlyList<string>> Paths() => Paths([]);

    public FieldSet Union(FieldSet other) => Of(Paths().Concat(other.Paths()));

    public FieldSet Except(FieldSet other) => Of(Paths().Where(path => !other.Contains(path)));

    public FieldSet Intersect(FieldSet other) => Of(Paths().Where(other.Contains));

    /// <summary>The set without every path at or below one in <paramref name="roots"/>: what survives removing those fields.</summary>
    public FieldSet ExceptBelow(FieldSet roots) => Of(Paths().Where(path => !roots.Covers(path)));

    public bool SetEquals(FieldSet other) => JsonNode.DeepEquals(ToFieldsV1(), other.ToFieldsV1());

    /// <summary>A path as kube-apiserver prints it in conflicts: <c>.spec.files[path="app.py"].content</c>.</summary>
    public static string Format(IReadOnlyList<string> path) =>
        string.Concat(path.Select(element => element switch
        {
            ['f', ':', .. var name] => "." + name,
            ['k', ':', .. var keys] => "[" + string.Join(",", JsonNode.Parse(keys)!.AsObject().Select(k => $"{k.Key}={k.Value?.ToJsonString(KeyJson)}")) + "]",
            ['v', ':', .. var value] => $"[={value}]",
            ['i', ':', .. var index] => $"[{index}]",
            _ => element,
        }));

    private FieldSet? Find(IReadOnlyList<string> path)
    {
        var node = this;
        foreach (var element in path)
        {
            if (!node._children.TryGetValue(element, out node))
            {
                return null;
            }
        }
        return node;
    }

    private IEnumerable<IReadOnlyList<string>> Paths(IReadOnlyList<string> prefix)
    {
        if (_member)
        {
            yield return prefix;
        }
        foreach (var (element, child) in _children)
        {
            foreach (var path in child.Paths([.. prefix, element]))
            {
                yield return path;
            }
        }
    }
}
