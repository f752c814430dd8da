using AeroGrid.Api.Client;
using AeroGrid.Api.Resources;
using Yarp.ReverseProxy.Configuration;

namespace AeroGrid.Gateway.Routing;

/// <summary>
/// YARP's routes and clusters, one each per App, from the informer's cache: a rollout changes an App's
/// <c>status.endpoints</c> and the next snapshot forwards to the new processes, without a restart.
/// </summary>
internal sealed class AppProxyConfigProvider : IProxyConfigProvider
{
    private readonly ILogger _logger;

    // The endpoints each app's route was last built with; only the informer's notifications touch it, and they come one at a time.
    private readonly Dictionary<AppTarget, string[]> _endpoints = [];
    private AppProxyConfig _config = new([], []);

    public AppProxyConfigProvider(Informer<App> informer, ILogger<AppProxyConfigProvider> logger)
    {
        _logger = logger;
        informer.Changed += OnChanged;
    }

    public IProxyConfig GetConfig() => Volatile.Read(ref _config);

    private void OnChanged(InformerEvent<App> change)
    {
        var target = new AppTarget(change.Object.Metadata.NamespaceProperty ?? "", change.Object.Metadata.Name ?? "");
        if (change.Type == InformerEventType.Deleted)
        {
            if (_endpoints.Remove(target))
            {
                GatewayLog.RouteRemoved(_logger, target.Tenant, target.App);
                Publish();
            }
            return;
        }
        var endpoints = change.Object.Status?.Endpoints?.ToArray() ?? [];
        // Most status writes (phase, conditions) leave the endpoints alone: YARP need not rebuild anything for them.
        if (_endpoints.TryGetValue(target, out var current) && current.SequenceEqual(endpoints, StringComparer.Ordinal))
        {
            return;
        }
        _endpoints[target] = endpoints;
        GatewayLog.RouteChanged(_logger, target.Tenant, target.App, string.Join(", ", endpoints));
        Publish();
    }

    private void Publish()
    {
        var next = new AppProxyConfig(
            [.. _endpoints.Keys.Select(AppRoutes.Route)],
            [.. _endpoints.Select(e => AppRoutes.Cluster(e.Key, e.Value))]);
        Interlocked.Exchange(ref _config, next).SignalReplaced();
    }
}
