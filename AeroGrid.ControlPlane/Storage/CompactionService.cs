using Microsoft.Extensions.Options;

namespace AeroGrid.ControlPlane.Storage;

/// <summary>
/// Keeps the watch history bounded, so the database does not grow with every write ever made, and closes list
/// snapshots nobody continued.
/// </summary>
internal sealed class CompactionService(ResourceStore store, IOptions<ControlPlaneOptions> options) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.CompactionInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            await store.CompactAsync(stoppingToken);
            store.ExpireListSnapshots();
        }
    }
}
