using System.Collections.Concurrent;
using AeroGrid.Api.Client;
using AeroGrid.Api.Resources;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AeroGrid.AppHost.Dashboard;

/// <summary>
/// Shows every App and Image of every tenant in the Aspire dashboard as a resource of its own, kept current by
/// informers on the control plane's API: the phase as its state, what serves as properties, the app's output or the
/// build log as its console log, and commands on apps.
/// </summary>
/// <remarks>
/// Aspire's app model is fixed when the AppHost starts, but the dashboard lists whatever
/// <see cref="ResourceNotificationService"/> publishes, and runs commands found on the published resource; apps come and
/// go while the platform runs, so they are published here rather than added to the model.
/// </remarks>
internal sealed partial class PlatformResourceMirror(
    ResourceNotificationService notifications,
    ResourceLoggerService resourceLogs,
    PlatformLinks links,
    ILogger<PlatformResourceMirror> logger) : BackgroundService
{
    /// <summary>The resource the mirror waits for: nothing can be read before the API answers.</summary>
    public const string ControlPlane = "control-plane";

    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<string, AppResource> _apps = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ImageResource> _images = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, CancellationTokenSource> _logFollowers = new(StringComparer.Ordinal);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await notifications.WaitForResourceHealthyAsync(ControlPlane, stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return;
        }
        var api = PlatformApi.Create(links);
        var apps = new Informer<App>(api.Apps, new InformerOptions(), logger);
        var images = new Informer<Image>(api.Images, new InformerOptions(), logger);
        apps.Changed += change => _ = OnAppAsync(api, change, stoppingToken);
        images.Changed += change => _ = OnImageAsync(api, change, stoppingToken);
        try
        {
            await Task.WhenAll(apps.RunAsync(stoppingToken), images.RunAsync(stoppingToken));
        }
        finally
        {
            foreach (var follower in _logFollowers.Values)
            {
                await follower.CancelAsync();
            }
        }
    }

    private async Task OnAppAsync(ApiClient api, InformerEvent<App> change, CancellationToken stoppingToken)
    {
        var app = change.Object;
        var resource = _apps.GetOrAdd(Key(app.Metadata), _ =>
        {
            var created = new AppResource(app.Metadata.NamespaceProperty!, app.Metadata.Name!);
            AppCommands.AddTo(created, api, links);
            return created;
        });
        if (change.Type == InformerEventType.Deleted)
        {
            StopFollowing(resource.Name);
            await notifications.PublishUpdateAsync(resource, ResourceSnapshots.Gone);
            return;
        }
        await notifications.PublishUpdateAsync(resource, previous => ResourceSnapshots.Of(app, links, previous));
        Follow(resource, ct => api.Apps.OpenLogAsync(resource.Namespace, resource.App, follow: true, cancellationToken: ct), repeat: true, stoppingToken);
    }

    private async Task OnImageAsync(ApiClient api, InformerEvent<Image> change, CancellationToken stoppingToken)
    {
        var image = change.Object;
        var resource = _images.GetOrAdd(Key(image.Metadata), _ => new ImageResource(image.Metadata.NamespaceProperty!, image.Metadata.Name!));
        if (change.Type == InformerEventType.Deleted)
        {
            StopFollowing(resource.Name);
            await notifications.PublishUpdateAsync(resource, ResourceSnapshots.Gone);
            return;
        }
        await notifications.PublishUpdateAsync(resource, previous => ResourceSnapshots.Of(image, previous));
        // The build log ends with the build: follow it once.
        Follow(resource, ct => api.Images.OpenLogAsync(resource.Namespace, resource.Image, follow: true, cancellationToken: ct), repeat: false, stoppingToken);
    }

    /// <summary>Copies the object's log into the resource's console log, once per resource; with <paramref name="repeat"/> again after the stream ends (a new revision, a restart).</summary>
    private void Follow(IResource resource, Func<CancellationToken, Task<Stream>> open, bool repeat, CancellationToken stoppingToken)
    {
        var stop = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        if (!_logFollowers.TryAdd(resource.Name, stop))
        {
            stop.Dispose();
            return;
        }
        var console = resourceLogs.GetLogger(resource);
        _ = Task.Run(async () =>
        {
            do
            {
                try
                {
                    await using var log = await open(stop.Token);
                    using var reader = new StreamReader(log);
                    while (await reader.ReadLineAsync(stop.Token) is { } line)
                    {
                        LogLine(console, line);
                    }
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception e) when (e is HttpRequestException or IOException or k8s.Autorest.HttpOperationException)
                {
                    LogFollowFailed(logger, resource.Name, e.Message);
                }
                try
                {
                    await Task.Delay(RetryDelay, stop.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
            while (repeat);
        }, CancellationToken.None);
    }

    private void StopFollowing(string name)
    {
        if (_logFollowers.TryRemove(name, out var follower))
        {
            follower.Cancel();
            follower.Dispose();
        }
    }

    private static string Key(k8s.Models.V1ObjectMeta metadata) => $"{metadata.NamespaceProperty}/{metadata.Name}";

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "{Line}")]
    private static partial void LogLine(ILogger logger, string line);

    [LoggerMessage(EventId = 1, Level = LogLevel.Debug, Message = "Log of {Resource}: {Reason}; following again")]
    private static partial void LogFollowFailed(ILogger logger, string resource, string reason);
}
