using System.Text.Json.Nodes;
using AeroGrid.Api.Resources;

namespace AeroGrid.ControlPlane.Api;

/// <summary>
/// The discovery documents (<c>/api</c>, <c>/apis</c>, group and version resource lists) and <c>/version</c>,
/// which kubectl reads to map <c>apps</c> to a path. Anonymous, as discovery is in Kubernetes.
/// </summary>
internal static class DiscoveryApi
{
    public static IEndpointRouteBuilder MapDiscoveryApi(this IEndpointRouteBuilder endpoints)
    {
        var groups = ResourceDefinitions.All.GroupBy(d => (d.Group, d.Version)).ToList();
        var named = groups.Where(g => g.Key.Group.Length > 0).ToList();

        endpoints.MapGet("/api", (HttpContext http) => Json(new JsonObject
        {
            ["kind"] = "APIVersions",
            ["versions"] = new JsonArray("v1"),
            ["serverAddressByClientCIDRs"] = new JsonArray(new JsonObject { ["clientCIDR"] = "0.0.0.0/0", ["serverAddress"] = http.Request.Host.Value }),
        }));
        endpoints.MapGet("/apis", () => Json(new JsonObject
        {
            ["kind"] = "APIGroupList",
            ["apiVersion"] = "v1",
            ["groups"] = new JsonArray([.. named.Select(g => Group(g.Key.Group, g.Key.Version))]),
        }));
        foreach (var group in groups)
        {
            var (name, version) = group.Key;
            if (name.Length > 0)
            {
                endpoints.MapGet($"/apis/{name}", () => Json(Group(name, version, withKind: true)));
            }
            var path = name.Length == 0 ? $"/api/{version}" : $"/apis/{name}/{version}";
            var resources = ResourceList(group.First().ApiVersion, [.. group]);
            endpoints.MapGet(path, () => Json(resources));
        }
        endpoints.MapGet("/version", () => Json(new JsonObject
        {
            ["major"] = "1",
            ["minor"] = "32",
            ["gitVersion"] = "v1.32.0-aerogrid",
            ["platform"] = $"{Environment.OSVersion.Platform}/{System.Runtime.InteropServices.RuntimeInformation.OSArchitecture}".ToLowerInvariant(),
        }));
        return endpoints;
    }

    private static JsonObject Group(string name, string version, bool withKind = false)
    {
        var groupVersion = new JsonObject { ["groupVersion"] = $"{name}/{version}", ["version"] = version };
        var group = new JsonObject
        {
            ["name"] = name,
            ["versions"] = new JsonArray(groupVersion),
            ["preferredVersion"] = groupVersion.DeepClone(),
        };
        if (withKind)
        {
            group["kind"] = "APIGroup";
            group["apiVersion"] = "v1";
        }
        return group;
    }

    private static JsonObject ResourceList(string groupVersion, IReadOnlyList<ResourceDefinition> definitions)
    {
        var resources = new JsonArray();
        foreach (var definition in definitions)
        {
            resources.Add(new JsonObject
            {
                ["name"] = definition.Plural,
                ["singularName"] = definition.Singular,
                ["namespaced"] = definition.Namespaced,
                ["kind"] = definition.Kind,
                ["verbs"] = new JsonArray("create", "delete", "get", "list", "patch", "update", "watch"),
                ["shortNames"] = new JsonArray([.. definition.ShortNames.Select(s => (JsonNode)s)]),
                ["categories"] = definition.Group == AeroGridApi.Group ? new JsonArray("aerogrid") : null,
            });
            if (definition.HasStatus)
            {
                resources.Add(new JsonObject
                {
                    ["name"] = $"{definition.Plural}/status",
                    ["singularName"] = "",
                    ["namespaced"] = definition.Namespaced,
                    ["kind"] = definition.Kind,
                    ["verbs"] = new JsonArray("get", "patch", "update"),
                });
            }
            if (LogProxy.Kinds.Contains(definition))
            {
                resources.Add(new JsonObject
                {
                    ["name"] = $"{definition.Plural}/log",
                    ["singularName"] = "",
                    ["namespaced"] = true,
                    ["kind"] = definition.Kind,
                    ["verbs"] = new JsonArray("get"),
                });
            }
        }
        return new JsonObject { ["kind"] = "APIResourceList", ["apiVersion"] = "v1", ["groupVersion"] = groupVersion, ["resources"] = resources };
    }

    private static IResult Json(JsonObject body) => ResourceHandler.Json(body, 200);
}
