using System.Text.Json.Nodes;
using AeroGrid.Api.Client;
using AeroGrid.Api.Resources;
using AeroGrid.Tests.Infrastructure;
using k8s.Models;

namespace AeroGrid.Tests.Client;

/// <summary>
/// The informer on KubernetesClient's watch survives what KubernetesClient's users report: watches that stop
/// (issue #533), a watch that hangs on a silently dropped connection (#884), and changes missed meanwhile (#515).
/// </summary>
public sealed class WatchSurvivalTests(ShortHistoryControlPlane server) : IClassFixture<ShortHistoryControlPlane>
{
    private const int WatchFailedEvent = 1102;
    private const int WatchEndedEvent = 1103;
    private const int WatchSilentEvent = 1105;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Watches_the_server_ends_again_and_again_are_resumed_and_outlive_the_clients_request_timeout()
    {
        // #533/#515: watches ended by the server's timeout, or cut by HttpClient's (100 s by default), were not resumed.
        var api = await server.ControlPlane.AdminApiAsync(configure: c => c.HttpClientTimeout = TimeSpan.FromSeconds(1));
        var tenant = await api.NewTenantAsync("ended");
        var log = new RecordingLogger();
        var informer = new Informer<App>(api.Apps, new InformerOptions { Namespace = tenant, WatchTimeout = TimeSpan.FromSeconds(1) }, log);
        var events = new EventRecorder<App>();
        informer.Changed += events.Record;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var run = informer.RunAsync(stop.Token);
        await informer.WaitForSyncAsync(Ct).WaitAsync(TimeSpan.FromSeconds(20), Ct);

        for (var i = 1; i <= 3; i++)
        {
            await Task.Delay(TimeSpan.FromSeconds(1.5), Ct);
            await api.Apps.CreateAsync(TestApps.New(tenant, $"after-{i}"), Ct);
        }

        await events.WaitUntilAsync(all => all.Count(e => e.Type == InformerEventType.Added) == 3);
        Assert.True(log.EventIds.Count(id => id == WatchEndedEvent) >= 2, log.Text);
        Assert.DoesNotContain(WatchFailedEvent, log.EventIds);
        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10), Ct);
    }

    [Fact]
    public async Task A_silently_dead_connection_is_noticed_and_nothing_that_changed_meanwhile_is_missed()
    {
        // #884: a connection dropped without a close hung the watch forever; #515: the changes meanwhile were lost.
        await using var network = new SilentProxy(server.ControlPlane.Url);
        var api = await server.ControlPlane.AdminApiAsync(configure: c => c.Host = network.Url.ToString());
        var writer = await server.ControlPlane.AdminApiAsync();
        var tenant = await writer.NewTenantAsync("silent");
        foreach (var name in new[] { "kept", "changed", "deleted" })
        {
            await writer.Apps.CreateAsync(TestApps.New(tenant, name), Ct);
        }
        var log = new RecordingLogger();
        var options = new InformerOptions { Namespace = tenant, WatchIdleTimeout = TimeSpan.FromSeconds(2), InitialBackoff = TimeSpan.FromMilliseconds(50) };
        var informer = new Informer<App>(api.Apps, options, log);
        var events = new EventRecorder<App>();
        informer.Changed += events.Record;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var run = informer.RunAsync(stop.Token);
        await informer.WaitForSyncAsync(Ct).WaitAsync(TimeSpan.FromSeconds(20), Ct);

        network.Freeze();
        await writer.Apps.CreateAsync(TestApps.New(tenant, "created"), Ct);
        await writer.Apps.PatchAsync(tenant, "changed", JsonNode.Parse("""{"spec":{"replicas":3}}""")!, V1Patch.PatchType.MergePatch, cancellationToken: Ct);
        await writer.Apps.DeleteAsync(tenant, "deleted", Ct);

        await events.WaitUntilAsync(all =>
            all.Any(e => e is { Type: InformerEventType.Added, Object.Metadata.Name: "created" })
            && all.Any(e => e is { Type: InformerEventType.Updated, Object.Metadata.Name: "changed", Object.Spec.Replicas: 3 })
            && all.Any(e => e is { Type: InformerEventType.Deleted, Object.Metadata.Name: "deleted" }));
        Assert.Contains(WatchSilentEvent, log.EventIds);
        Assert.Equal(["changed", "created", "kept"], informer.List().Select(a => a.Metadata.Name).Order());
        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10), Ct);
    }
}
