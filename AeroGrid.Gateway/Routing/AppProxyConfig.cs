using Microsoft.Extensions.Primitives;
using Yarp.ReverseProxy.Configuration;

namespace AeroGrid.Gateway.Routing;

/// <summary>One immutable snapshot of the routes and clusters; its change token fires when a newer snapshot replaces it.</summary>
internal sealed class AppProxyConfig : IProxyConfig
{
    private readonly CancellationTokenSource _replaced = new();

    public AppProxyConfig(IReadOnlyList<RouteConfig> routes, IReadOnlyList<ClusterConfig> clusters)
    {
        Routes = routes;
        Clusters = clusters;
        ChangeToken = new CancellationChangeToken(_replaced.Token);
    }

    public IReadOnlyList<RouteConfig> Routes { get; }

    public IReadOnlyList<ClusterConfig> Clusters { get; }

    public IChangeToken ChangeToken { get; }

    /// <summary>Tells YARP to read the provider's config again. The source is never disposed: YARP may still read the token.</summary>
    public void SignalReplaced() => _replaced.Cancel();
}
