using System.Text.Json.Nodes;
using AeroGrid.Api.Client;
using AeroGrid.Api.Resources;
using AeroGrid.Tests.Infrastructure;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace AeroGrid.Tests.Client;

/// <summary>
/// The informer against the real control plane: sync, changes, 410 and relist, a server restart, resync; and what
/// KubernetesClient's users report of plain watches: watches that stop (its issue #533), a watch that hangs on a
/// silently dropped connection (#884), and changes missed meanwhile (#515).
/// </summary>
public sealed class InformerTests(ShortHistoryControlPlane server) : IClassFixture<ShortHistoryControlPlane>
{
    private const int ExpiredEvent = 1101;
    private const int WatchFailedEvent = 1102;
    private const int WatchEndedEvent = 1103;
    private const int WatchSilentEvent = 1105;
    private const int WaitingForServerEvent = 1106;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task It_syncs_page_by_page_then_follows_changes_in_order()
    {
        var api = await server.ControlPlane.AdminApiAsync();
        var tenant = await api.NewTenantAsync("informer");
        foreach (var name in new[] { "a", "b", "c" })
        {
            await api.Apps.CreateAsync(TestApps.New(tenant, name), Ct);
        }
        await using var running = await RunningInformer.StartAsync(api.Apps, new InformerOptions { Namespace = tenant, PageSize = 2 });
        var (informer, events) = (running.Informer, running.Events);
        Assert.True(informer.HasSynced);
        Assert.Equal(["a", "b", "c"], informer.List().Select(a => a.Metadata.Name).Order());
        Assert.Equal(["a", "b", "c"], events.Events.Select(e => e.Object.Metadata.Name).Order());
        Assert.All(events.Events, e => Assert.Equal(InformerEventType.Added, e.Type));

        await api.Apps.CreateAsync(TestApps.New(tenant, "d"), Ct);
        await api.Apps.PatchAsync(tenant, "a", JsonNode.Parse("""{"spec":{"replicas":2}}""")!, V1Patch.PatchType.MergePatch, cancellationToken: Ct);
        await api.Apps.DeleteAsync(tenant, "b", Ct);
        var changes = (await events.WaitUntilAsync(all => all.Count >= 6)).Skip(3).ToList();

        Assert.Equal(
            [(InformerEventType.Added, "d"), (InformerEventType.Updated, "a"), (InformerEventType.Deleted, "b")],
            changes.Select(e => (e.Type, e.Object.Metadata.Name)));
        Assert.Equal(1, changes[1].OldObject?.Spec.Replicas);
        Assert.Equal(2, changes[1].Object.Spec.Replicas);
        Assert.Equal(2, informer.TryGet(tenant, "a")?.Spec.Replicas);
        Assert.Null(informer.TryGet(tenant, "b"));

        var late = new EventRecorder<App>();
        informer.Changed += late.Record;
        Assert.Equal(["a", "c", "d"], late.Events.Select(e => e.Object.Metadata.Name).Order());
    }

    [Fact]
    public async Task After_a_410_it_lists_again_and_reports_what_changed_while_it_was_cut_off()
    {
        using var network = new NetworkSwitch();
        var api = await server.ControlPlane.AdminApiAsync(network);
        var writer = await server.ControlPlane.AdminApiAsync();
        var tenant = await api.NewTenantAsync("relist");
        foreach (var name in new[] { "kept", "deleted", "changed" })
        {
            await api.Apps.CreateAsync(TestApps.New(tenant, name), Ct);
        }
        var log = new RecordingLogger();
        var options = new InformerOptions { Namespace = tenant, InitialBackoff = TimeSpan.FromMilliseconds(50), MaxBackoff = TimeSpan.FromMilliseconds(200) };
        await using var running = await RunningInformer.StartAsync(api.Apps, options, log);
        var (informer, events) = (running.Informer, running.Events);

        network.Cut();
        // Everything the informer saw is older than this; once this expires, so has the informer's version.
        var cutAt = (await writer.Apps.ListAsync(tenant, cancellationToken: Ct)).Metadata.ResourceVersion!;
        await writer.Apps.DeleteAsync(tenant, "deleted", Ct);
        var changed = await writer.Apps.GetAsync(tenant, "changed", Ct);
        await writer.Apps.UpdateAsync(changed with { Spec = changed.Spec with { Replicas = 3 } }, Ct);
        await writer.Apps.CreateAsync(TestApps.New(tenant, "created"), Ct);
        await writer.ExpireAsync(tenant, cutAt);
        network.Restore();

        await events.WaitUntilAsync(all =>
            all.Any(e => e is { Type: InformerEventType.Deleted, Object.Metadata.Name: "deleted" })
            && all.Any(e => e is { Type: InformerEventType.Updated, Object.Metadata.Name: "changed", Object.Spec.Replicas: 3, OldObject.Spec.Replicas: 1 })
            && all.Any(e => e is { Type: InformerEventType.Added, Object.Metadata.Name: "created" }));

        Assert.Contains(ExpiredEvent, log.EventIds);
        Assert.Equal(["changed", "churn", "created", "kept"], informer.List().Select(a => a.Metadata.Name).Order());
        Assert.DoesNotContain(events.Events, e => e.Object.Metadata.Name == "kept" && e.Type != InformerEventType.Added);
    }

    [Fact]
    public async Task It_reconnects_after_the_server_restarts()
    {
        var api = await server.ControlPlane.AdminApiAsync();
        var tenant = await api.NewTenantAsync("restart");
        await api.Apps.CreateAsync(TestApps.New(tenant, "before"), Ct);
        var log = new RecordingLogger();
        var options = new InformerOptions { Namespace = tenant, InitialBackoff = TimeSpan.FromMilliseconds(100), MaxBackoff = TimeSpan.FromSeconds(1) };
        await using var running = await RunningInformer.StartAsync(api.Apps, options, log);
        var (informer, events) = (running.Informer, running.Events);

        await server.ControlPlane.CrashAndRestartAsync();
        await api.Apps.CreateAsync(TestApps.New(tenant, "after"), Ct);

        await events.WaitUntilAsync(all => all.Any(e => e is { Type: InformerEventType.Added, Object.Metadata.Name: "after" }));
        Assert.Contains(WatchFailedEvent, log.EventIds);
        Assert.Equal(["after", "before"], informer.List().Select(a => a.Metadata.Name).Order());
    }

    [Fact]
    public async Task Started_before_its_server_it_waits_without_a_warning_and_syncs_once_the_server_answers()
    {
        var api = await server.ControlPlane.AdminApiAsync();
        var tenant = await api.NewTenantAsync("early");
        await api.Apps.CreateAsync(TestApps.New(tenant, "waiting"), Ct);
        await server.ControlPlane.Process.KillAsync();
        var log = new RecordingLogger();

        var starting = RunningInformer.StartAsync(api.Apps, new InformerOptions { Namespace = tenant }, log);
        await Task.Delay(TimeSpan.FromSeconds(1), Ct);
        Assert.Contains(WaitingForServerEvent, log.EventIds);
        await server.ControlPlane.StartAsync();
        await using var running = await starting;

        Assert.Equal(["waiting"], running.Informer.List().Select(a => a.Metadata.Name));
        Assert.Empty(log.EventIdsAtOrAbove(LogLevel.Warning));
    }

    [Fact]
    public async Task A_server_that_stays_unreachable_past_the_startup_grace_is_reported_as_a_failure()
    {
        var api = await server.ControlPlane.AdminApiAsync();
        await server.ControlPlane.Process.KillAsync();
        var log = new RecordingLogger();
        var informer = new Informer<App>(api.Apps, new InformerOptions { StartupGrace = TimeSpan.FromMilliseconds(300), InitialBackoff = TimeSpan.FromMilliseconds(50) }, log);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var run = informer.RunAsync(stop.Token);
        try
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
            while (!log.EventIdsAtOrAbove(LogLevel.Warning).Contains(WatchFailedEvent) && DateTime.UtcNow < deadline)
            {
                await Task.Delay(50, Ct);
            }
            Assert.Contains(WaitingForServerEvent, log.EventIds);
            Assert.Contains(WatchFailedEvent, log.EventIdsAtOrAbove(LogLevel.Warning));
            Assert.False(informer.HasSynced);
        }
        finally
        {
            await stop.CancelAsync();
            await run;
            await server.ControlPlane.StartAsync();
        }
    }

    [Fact]
    public async Task A_resync_sends_every_cached_object_again_as_unchanged_updates()
    {
        var api = await server.ControlPlane.AdminApiAsync();
        var tenant = await api.NewTenantAsync("resync");
        await api.Apps.CreateAsync(TestApps.New(tenant, "steady"), Ct);
        var options = new InformerOptions { Namespace = tenant, ResyncPeriod = TimeSpan.FromMilliseconds(100) };
        await using var running = await RunningInformer.StartAsync(api.Apps, options);
        var (informer, events) = (running.Informer, running.Events);
        var all = await events.WaitUntilAsync(all => all.Count(e => e.Type == InformerEventType.Updated) >= 2);

        Assert.All(all.Where(e => e.Type == InformerEventType.Updated), e => Assert.Same(e.OldObject, e.Object));
    }

    [Fact]
    public async Task Watches_the_server_ends_again_and_again_are_resumed_and_outlive_the_clients_request_timeout()
    {
        // #533/#515: watches ended by the server's timeout, or cut by HttpClient's (100 s by default), were not resumed.
        var api = await server.ControlPlane.AdminApiAsync(configure: c => c.HttpClientTimeout = TimeSpan.FromSeconds(1));
        var tenant = await api.NewTenantAsync("ended");
        var log = new RecordingLogger();
        await using var running = await RunningInformer.StartAsync(api.Apps, new InformerOptions { Namespace = tenant, WatchTimeout = TimeSpan.FromSeconds(1) }, log);
        var (informer, events) = (running.Informer, running.Events);

        for (var i = 1; i <= 3; i++)
        {
            await Task.Delay(TimeSpan.FromSeconds(1.5), Ct);
            await api.Apps.CreateAsync(TestApps.New(tenant, $"after-{i}"), Ct);
        }

        await events.WaitUntilAsync(all => all.Count(e => e.Type == InformerEventType.Added) == 3);
        Assert.True(log.EventIds.Count(id => id == WatchEndedEvent) >= 2, log.Text);
        Assert.DoesNotContain(WatchFailedEvent, log.EventIds);
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
        await using var running = await RunningInformer.StartAsync(api.Apps, options, log);
        var (informer, events) = (running.Informer, running.Events);

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
    }
}
