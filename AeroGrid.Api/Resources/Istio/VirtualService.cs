using System.ComponentModel;
using AeroGrid.Api.Meta;
using k8s.Models;

namespace AeroGrid.Api.Resources.Istio;

/// <summary>Istio's <c>networking.istio.io/v1</c> VirtualService: how the mesh routes a host's HTTP requests.</summary>
/// <remarks>
/// KubernetesClient has no Istio models. This holds the part of Istio's schema the Operator writes (a prefix match, a
/// rewrite, a route to a Service); a field outside it is pruned, as by any structural schema that does not declare it.
/// </remarks>
[Description("Istio's routing of a host's HTTP requests.")]
[KubernetesEntity(Group = IstioNetworking.Group, ApiVersion = IstioNetworking.Version, Kind = KindName, PluralName = "virtualservices")]
public sealed record VirtualService : KubernetesObject, ISpec<VirtualServiceSpec>
{
    public const string KindName = "VirtualService";

    public VirtualService()
    {
        ApiVersion = IstioNetworking.GroupVersion;
        Kind = KindName;
    }

    public VirtualServiceSpec Spec { get; set; } = new();
}

/// <summary>The names of Istio's networking API group.</summary>
public static class IstioNetworking
{
    public const string Group = "networking.istio.io";
    public const string Version = "v1";
    public const string GroupVersion = Group + "/" + Version;
}

public sealed record VirtualServiceSpec
{
    [Description("The hosts the rules apply to; * for any.")]
    public List<string>? Hosts { get; init; }

    [Description("The gateways (namespace/name) and sidecars (mesh) the rules apply to.")]
    public List<string>? Gateways { get; init; }

    [Description("The HTTP routes, tried in order.")]
    public List<HttpRoute>? Http { get; init; }
}

public sealed record HttpRoute
{
    public string? Name { get; init; }

    [Description("Conditions, any of which selects the route.")]
    public List<HttpMatchRequest>? Match { get; init; }

    [Description("Rewrites the path before forwarding.")]
    public HttpRewrite? Rewrite { get; init; }

    public List<HttpRouteDestination>? Route { get; init; }

    [Description("A timeout for the whole request, e.g. 30s.")]
    public string? Timeout { get; init; }
}

public sealed record HttpMatchRequest
{
    public StringMatch? Uri { get; init; }
}

/// <summary>One of exact, prefix or regex.</summary>
public sealed record StringMatch
{
    public string? Exact { get; init; }

    public string? Prefix { get; init; }

    public string? Regex { get; init; }
}

public sealed record HttpRewrite
{
    public string? Uri { get; init; }
}

public sealed record HttpRouteDestination
{
    public Destination Destination { get; init; } = new();

    public int? Weight { get; init; }
}

public sealed record Destination
{
    [Description("The Service, e.g. orders.acme.svc.cluster.local.")]
    public string Host { get; init; } = "";

    public PortSelector? Port { get; init; }
}

public sealed record PortSelector
{
    public int Number { get; init; }
}
