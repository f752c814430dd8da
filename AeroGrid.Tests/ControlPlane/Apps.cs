using System.Text.Json.Nodes;

namespace AeroGrid.Tests.ControlPlane;

/// <summary>App manifests and paths for the API tests.</summary>
internal static class Apps
{
    public static string Collection(string tenant) => $"/apis/aerogrid.io/v1alpha1/namespaces/{tenant}/apps";

    public static string Item(string tenant, string name) => $"{Collection(tenant)}/{name}";

    public static JsonObject Manifest(string name, string code = "print('hello')", Dictionary<string, string>? labels = null)
    {
        var metadata = new JsonObject { ["name"] = name };
        if (labels is not null)
        {
            metadata["labels"] = new JsonObject([.. labels.Select(l => KeyValuePair.Create(l.Key, (JsonNode?)l.Value))]);
        }
        return new JsonObject
        {
            ["apiVersion"] = "aerogrid.io/v1alpha1",
            ["kind"] = "App",
            ["metadata"] = metadata,
            ["spec"] = new JsonObject
            {
                ["files"] = new JsonArray(new JsonObject { ["path"] = "app.py", ["content"] = code }),
            },
        };
    }
}
