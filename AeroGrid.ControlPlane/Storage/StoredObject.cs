using System.Text.Json.Nodes;

namespace AeroGrid.ControlPlane.Storage;

/// <summary>The key of an object: its resource (plural), namespace ("" for cluster-scoped) and name.</summary>
internal readonly record struct ObjectKey(string Resource, string Namespace, string Name)
{
    public override string ToString() => Namespace.Length == 0 ? $"{Resource}/{Name}" : $"{Resource}/{Namespace}/{Name}";
}

/// <summary>An object as stored: its JSON (with <c>metadata.resourceVersion</c> set) and that version.</summary>
internal sealed record StoredObject(ObjectKey Key, long ResourceVersion, string Json)
{
    public JsonObject ToJson() => (JsonObject)JsonNode.Parse(Json)!;
}

/// <summary>One committed change, as watches see it.</summary>
/// <param name="Previous">
/// For a MODIFIED event whose labels changed, the object before it; null when they did not, so the object's own labels
/// tell what a label selector said before. kube-apiserver's watch cache keeps the previous object for the same reason.
/// </param>
internal sealed record StoredEvent(string Type, StoredObject Object, string? Previous = null);
