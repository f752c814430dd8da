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
internal sealed record StoredEvent(string Type, StoredObject Object);
