using AeroGrid.Api.Client;
using AeroGrid.Api.Resources;
using AeroGrid.Operator.Runtime;
using AeroGrid.Operator.Workloads;
using Microsoft.Extensions.Options;

namespace AeroGrid.Operator.Controllers;

/// <summary>
/// Runs the informers and the App and Image controllers, and turns every change into work queue keys:
/// an App's own changes, its Image's changes and what its processes do on their own.
/// </summary>
internal sealed class OperatorHost(
    Informer<App> apps,
    Informer<Image> images,
    AppController appReconciler,
    ImageController imageReconciler,
    IAppRuntime runtime,
    OperatorMetrics metrics,
    IOptions<ControllerOptions> options,
    ILoggerFactory loggers) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var appController = new Controller(appReconciler, options, loggers.CreateLogger<Controller>());
        using var imageController = new Controller(imageReconciler, options, loggers.CreateLogger<Controller>());

        apps.Changed += e =>
        {
            Measure(e);
            appController.Queue.Add(ObjectKey.Of(e.Object));
        };
        images.Changed += e =>
        {
            imageController.Queue.Add(ObjectKey.Of(e.Object));
            // The Apps waiting for this environment: same tenant, same dependency hash.
            foreach (var app in apps.List(e.Object.Metadata.NamespaceProperty))
            {
                if (ImageHash.ImageName(ImageHash.Of(app.Spec)) == e.Object.Metadata.Name)
                {
                    appController.Queue.Add(ObjectKey.Of(app));
                }
            }
        };
        runtime.Changed += appController.Queue.Add;

        var informers = Task.WhenAll(apps.RunAsync(stoppingToken), images.RunAsync(stoppingToken));
        await Task.WhenAll(apps.WaitForSyncAsync(stoppingToken), images.WaitForSyncAsync(stoppingToken));
        await Task.WhenAll(appController.RunAsync(stoppingToken), imageController.RunAsync(stoppingToken), informers);
    }

    // A change made while the Operator runs starts the edit-to-live clock; the first list (what was there before) does not.
    private void Measure(InformerEvent<App> e)
    {
        if (e.Type == InformerEventType.Deleted)
        {
            metrics.Forget(e.Object);
        }
        else if (apps.HasSynced && (e.Type == InformerEventType.Added || e.OldObject?.Metadata.Generation != e.Object.Metadata.Generation))
        {
            metrics.ChangeSeen(e.Object);
        }
    }
}
