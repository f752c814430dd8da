using AeroGrid.Api.Client;
using AeroGrid.Api.Resources;

namespace AeroGrid.Gateway.Watch;

/// <summary>Keeps the informer over all Apps running for the life of the gateway; routes are built from its cache.</summary>
internal sealed class AppWatcher(Informer<App> apps) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => apps.RunAsync(stoppingToken);
}
