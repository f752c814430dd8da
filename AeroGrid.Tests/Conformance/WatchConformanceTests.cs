using System.Net;
using System.Text.Json.Nodes;
using AeroGrid.Tests.ControlPlane;
using AeroGrid.Tests.Infrastructure;
using k8s;

namespace AeroGrid.Tests.Conformance;

/// <summary>
/// Watches as KubernetesClient's watcher reads them: from a resourceVersion, resumed, 410 Gone then relist,
/// bookmarks, and selector watches that see objects enter and leave. A short history makes versions expire quickly.
/// </summary>
public sealed class WatchConformanceTests(ShortHistoryControlPlane server) : IClassFixture<ShortHistoryControlPlane>
{
    private async Task<CustomResource> AppsAsync() =>
        (await KubeClients.ForAdminAsync(server.ControlPlane)).Resource(await KubeClients.NamespaceAsync(server.ControlPlane, "watch"));

    [Fact]
    public async Task A_watch_from_a_resourceVersion_sees_the_later_changes_and_resumes_after_any_of_them()
    {
        var apps = await AppsAsync();
        var start = (await apps.ListAsync()).Str("metadata.resourceVersion");
        await using var watch = apps.Watch(start);

        var created = await apps.CreateAsync(Apps.Manifest("w"));
        await apps.MergePatchAsync("w", """{"spec":{"replicas":2}}""");
        await apps.DeleteAsync("w");

        var events = new List<(WatchEventType Type, JsonObject Object)>();
        for (var i = 0; i < 3; i++)
        {
            events.Add(await watch.NextChangeAsync());
        }
        Assert.Equal([WatchEventType.Added, WatchEventType.Modified, WatchEventType.Deleted], events.Select(e => e.Type));
        Assert.Equal("2", events[1].Object.Str("spec.replicas"));

        await using var resumed = apps.Watch(created.Str("metadata.resourceVersion"));
        Assert.Equal(WatchEventType.Modified, (await resumed.NextChangeAsync()).Type);
        Assert.Equal(WatchEventType.Deleted, (await resumed.NextChangeAsync()).Type);
    }

    [Fact]
    public async Task A_compacted_resourceVersion_is_410_Gone_and_a_relist_gives_one_to_watch_from()
    {
        var apps = await AppsAsync();
        var old = (await apps.CreateAsync(Apps.Manifest("churn"))).Str("metadata.resourceVersion");
        for (var i = 0; i < 30; i++)
        {
            await apps.MergePatchAsync("churn", new JsonObject { ["metadata"] = new JsonObject { ["labels"] = new JsonObject { ["i"] = $"v{i}" } } }.ToJsonString());
        }

        KubernetesException? gone = null;
        for (var attempt = 0; attempt < 50 && gone is null; attempt++)
        {
            await Task.Delay(100);
            await using var watch = apps.Watch(old);
            if (await watch.NextAsync() is { Error: KubernetesException error })
            {
                gone = error;
            }
        }

        Assert.NotNull(gone);
        Assert.Equal(410, gone.Status.Code);
        Assert.Equal("Expired", gone.Status.Reason);
        var relisted = await apps.ListAsync();
        await using var fresh = apps.Watch(relisted.Str("metadata.resourceVersion"));
        await apps.MergePatchAsync("churn", """{"spec":{"replicas":2}}""");
        var next = await fresh.NextChangeAsync();
        Assert.Equal(WatchEventType.Modified, next.Type);
        Assert.Equal("2", next.Object.Str("spec.replicas"));
    }

    [Fact]
    public async Task A_continue_token_older_than_the_history_is_410_Expired()
    {
        var apps = await AppsAsync();
        await apps.CreateAsync(Apps.Manifest("c0"));
        await apps.CreateAsync(Apps.Manifest("c1"));
        var token = (await apps.ListAsync(limit: 1)).Str("metadata.continue");
        for (var i = 0; i < 30; i++)
        {
            await apps.MergePatchAsync("c1", new JsonObject { ["metadata"] = new JsonObject { ["labels"] = new JsonObject { ["i"] = $"v{i}" } } }.ToJsonString());
        }

        (HttpStatusCode Code, JsonObject Status) failure = default;
        await Eventually.TrueAsync(async () =>
        {
            try
            {
                await apps.ListAsync(limit: 1, continueToken: token);
                await Task.Delay(100);
                return false;
            }
            catch (k8s.Autorest.HttpOperationException)
            {
                failure = await KubeClients.FailureAsync(() => apps.ListAsync(limit: 1, continueToken: token));
                return true;
            }
        }, TimeSpan.FromSeconds(10), () => "the continue token expired");

        Assert.Equal(HttpStatusCode.Gone, failure.Code);
        Assert.Equal("Expired", failure.Status.Str("reason"));
        Assert.Equal("410", failure.Status.Str("code"));
    }

    [Fact]
    public async Task Bookmarks_carry_the_newest_resourceVersion_when_asked_for()
    {
        var apps = await AppsAsync();
        var start = (await apps.ListAsync()).Str("metadata.resourceVersion");
        var created = await apps.CreateAsync(Apps.Manifest("marked"));
        await using var watch = apps.Watch(start, bookmarks: true);

        Assert.Equal(WatchEventType.Added, (await watch.NextChangeAsync()).Type);
        var bookmark = await watch.NextAsync();

        Assert.Equal(WatchEventType.Bookmark, bookmark?.Type);
        Assert.Equal("App", bookmark?.Object.Str("kind"));
        Assert.True(long.Parse(bookmark?.Object.Str("metadata.resourceVersion")!, System.Globalization.CultureInfo.InvariantCulture)
            >= long.Parse(created.Str("metadata.resourceVersion")!, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task A_label_selector_watch_sees_an_object_enter_as_ADDED_and_leave_as_DELETED()
    {
        var apps = await AppsAsync();
        var start = (await apps.ListAsync()).Str("metadata.resourceVersion");
        await using var watch = apps.Watch(start, labelSelector: "tier=gold");

        await apps.CreateAsync(Apps.Manifest("moving", labels: new() { ["tier"] = "silver" }));
        await apps.MergePatchAsync("moving", """{"metadata":{"labels":{"tier":"gold"}}}""");
        await apps.MergePatchAsync("moving", """{"spec":{"replicas":2}}""");
        var left = await apps.MergePatchAsync("moving", """{"metadata":{"labels":{"tier":"silver"}}}""");
        await apps.DeleteAsync("moving");
        await apps.CreateAsync(Apps.Manifest("marker", labels: new() { ["tier"] = "gold" }));

        var entered = await watch.NextChangeAsync();
        var modified = await watch.NextChangeAsync();
        var leaving = await watch.NextChangeAsync();
        var marker = await watch.NextChangeAsync();

        Assert.Equal((WatchEventType.Added, "moving"), (entered.Type, entered.Object.Str("metadata.name")));
        Assert.Equal((WatchEventType.Modified, "2"), (modified.Type, modified.Object.Str("spec.replicas")));
        // The object as it last matched, at the resourceVersion of the change that made it leave.
        Assert.Equal(WatchEventType.Deleted, leaving.Type);
        Assert.Equal("gold", leaving.Object.Str("metadata.labels.tier"));
        Assert.Equal(left.Str("metadata.resourceVersion"), leaving.Object.Str("metadata.resourceVersion"));
        // The delete of an object that no longer matched sends nothing: the next event is the marker.
        Assert.Equal((WatchEventType.Added, "marker"), (marker.Type, marker.Object.Str("metadata.name")));
    }
}
