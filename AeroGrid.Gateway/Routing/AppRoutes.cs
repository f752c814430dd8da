using AeroGrid.Gateway.Access;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.LoadBalancing;

namespace AeroGrid.Gateway.Routing;

/// <summary>The YARP route and cluster of one app.</summary>
internal static class AppRoutes
{
    /// <summary>
    /// <c>/apps/{tenant}/{app}/{**rest}</c>, which also matches the bare <c>/apps/{tenant}/{app}</c> (a catch-all may be empty),
    /// for callers allowed to invoke the app. The transforms come from <see cref="Forwarding.AppTransformProvider"/>.
    /// </summary>
    public static RouteConfig Route(AppTarget target) => new()
    {
        RouteId = target.Id,
        ClusterId = target.Id,
        AuthorizationPolicy = AppInvokeRequirement.PolicyName,
        Match = new RouteMatch { Path = target.Prefix + "/{**rest}" },
        Metadata = target.ToMetadata(),
    };

    /// <summary>
    /// A destination per ready process, named by its address so a rollout that keeps a process keeps its destination's state.
    /// </summary>
    /// <remarks>
    /// Round robin: the processes of one revision are alike, so spreading evenly is all that is needed, and it is predictable.
    /// No session affinity: the processes are interchangeable replicas, as behind a Kubernetes Service without sessionAffinity,
    /// which is what the Istio ingress this stands in for routes to.
    /// </remarks>
    public static ClusterConfig Cluster(AppTarget target, IReadOnlyList<string> endpoints) => new()
    {
        ClusterId = target.Id,
        LoadBalancingPolicy = LoadBalancingPolicies.RoundRobin,
        Destinations = endpoints.Distinct(StringComparer.Ordinal)
            .ToDictionary(address => address, address => new DestinationConfig { Address = address }, StringComparer.Ordinal),
    };
}
