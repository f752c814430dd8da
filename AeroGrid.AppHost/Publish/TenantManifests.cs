using System.Text.Json.Nodes;
using k8s.Models;

namespace AeroGrid.AppHost.Publish;

/// <summary>
/// A namespace per tenant, in the mesh and labelled for the tenant, with a ResourceQuota, a LimitRange giving every
/// container requests and limits, and a NetworkPolicy that lets in only the ingress gateway and the platform.
/// </summary>
internal static class TenantManifests
{
    /// <summary>The label naming the tenant of a namespace.</summary>
    public const string TenantLabel = "aerogrid.io/tenant";

    public static IReadOnlyList<JsonObject> Render(PublishSettings settings) =>
        [.. settings.Tenants.Order(StringComparer.Ordinal).SelectMany(tenant => Tenant(settings, tenant)).Select(PlatformManifests.Document)];

    private static IEnumerable<object> Tenant(PublishSettings settings, string tenant)
    {
        var labels = PlatformManifests.Labels("tenant", (TenantLabel, tenant));
        yield return new V1Namespace
        {
            ApiVersion = "v1", Kind = "Namespace",
            Metadata = new() { Name = tenant, Labels = PlatformManifests.Labels("tenant", (TenantLabel, tenant), ("istio-injection", "enabled")) },
        };
        yield return new V1ResourceQuota
        {
            ApiVersion = "v1", Kind = "ResourceQuota",
            Metadata = new() { Name = "tenant-quota", NamespaceProperty = tenant, Labels = labels },
            Spec = new V1ResourceQuotaSpec
            {
                Hard = new Dictionary<string, ResourceQuantity>
                {
                    ["pods"] = new("50"),
                    ["requests.cpu"] = new("4"),
                    ["requests.memory"] = new("8Gi"),
                    ["limits.memory"] = new("16Gi"),
                    ["configmaps"] = new("500"),
                },
            },
        };
        yield return new V1LimitRange
        {
            ApiVersion = "v1", Kind = "LimitRange",
            Metadata = new() { Name = "tenant-defaults", NamespaceProperty = tenant, Labels = labels },
            Spec = new V1LimitRangeSpec
            {
                Limits =
                [
                    new V1LimitRangeItem
                    {
                        Type = "Container",
                        DefaultRequest = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("50m"), ["memory"] = new("64Mi") },
                        DefaultProperty = new Dictionary<string, ResourceQuantity> { ["memory"] = new("256Mi") },
                        Max = new Dictionary<string, ResourceQuantity> { ["memory"] = new("2Gi") },
                    },
                ],
            },
        };
        yield return new V1NetworkPolicy
        {
            ApiVersion = "networking.k8s.io/v1", Kind = "NetworkPolicy",
            Metadata = new() { Name = "ingress-gateway-and-platform-only", NamespaceProperty = tenant, Labels = labels },
            Spec = new V1NetworkPolicySpec
            {
                PodSelector = new V1LabelSelector(),
                PolicyTypes = ["Ingress"],
                Ingress =
                [
                    new V1NetworkPolicyIngressRule
                    {
                        FromProperty =
                        [
                            new V1NetworkPolicyPeer
                            {
                                NamespaceSelector = NamespaceNamed("istio-system"),
                                PodSelector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["istio"] = "ingressgateway" } },
                            },
                            new V1NetworkPolicyPeer { NamespaceSelector = NamespaceNamed(settings.Namespace) },
                        ],
                    },
                ],
            },
        };
    }

    /// <summary>Kubernetes labels every namespace with its name, so a policy can name one.</summary>
    private static V1LabelSelector NamespaceNamed(string name) =>
        new() { MatchLabels = new Dictionary<string, string> { ["kubernetes.io/metadata.name"] = name } };
}
