using System.Text.Json.Nodes;
using AeroGrid.Tests.Infrastructure;

namespace AeroGrid.Tests.ControlPlane;

/// <summary>Watch streams: order, resume from a resourceVersion, 410 after compaction, bookmarks and timeouts.</summary>
public sealed class WatchTests(ShortHistoryControlPlane server) : IClassFixture<ShortHistoryControlPlane>
{
    private ControlPlaneFixture Api => server.ControlPlane;

    [Fact]
    public async Task A_watch_sees_changes_in_order_and_resumes_from_any_recent_version()
    {
        using var admin = Api.Client(await Api.AdminTokenAsync());
        await admin.PostJsonAsync("/api/v1/namespaces", JsonNode.Parse("""{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"watched"}}""")!);
        var (_, list) = await admin.GetJsonAsync(Apps.Collection("watched"));
        var start = list.Str("metadata.resourceVersion");
        await using var watch = await WatchReader.OpenAsync(admin, Apps.Collection("watched") + $"?watch=true&resourceVersion={start}");

        var (_, created) = await admin.PostJsonAsync(Apps.Collection("watched"), Apps.Manifest("w"));
        await admin.MergePatchAsync(Apps.Item("watched", "w"), JsonNode.Parse("""{"spec":{"replicas":2}}""")!);
        await admin.DeleteJsonAsync(Apps.Item("watched", "w"));

        var events = new List<JsonObject>();
        for (var i = 0; i < 3; i++)
        {
            events.Add((await watch.NextAsync())!);
        }
        Assert.Equal(["ADDED", "MODIFIED", "DELETED"], events.Select(e => e.Str("type")));
        Assert.Equal("2", events[1].Str("object.spec.replicas"));
        var versions = events.Select(e => long.Parse(e.Str("object.metadata.resourceVersion")!, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(versions.Order(), versions);

        // Resume after the first event: only the later two come.
        await using var resumed = await WatchReader.OpenAsync(admin, Apps.Collection("watched") + $"?watch=true&resourceVersion={created.Str("metadata.resourceVersion")}");
        Assert.Equal("MODIFIED", (await resumed.NextAsync())!.Str("type"));
        Assert.Equal("DELETED", (await resumed.NextAsync())!.Str("type"));
    }

    [Fact]
    public async Task A_watch_without_a_version_starts_with_the_current_objects()
    {
        using var admin = Api.Client(await Api.AdminTokenAsync());
        await admin.PostJsonAsync("/api/v1/namespaces", JsonNode.Parse("""{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"initial"}}""")!);
        await admin.PostJsonAsync(Apps.Collection("initial"), Apps.Manifest("a", labels: new() { ["k"] = "v" }));
        await admin.PostJsonAsync(Apps.Collection("initial"), Apps.Manifest("b"));

        await using var watch = await WatchReader.OpenAsync(admin, Apps.Collection("initial") + "?watch=true&labelSelector=k%3Dv");
        var first = await watch.NextAsync();

        Assert.Equal("ADDED", first.Str("type"));
        Assert.Equal("a", first.Str("object.metadata.name"));
        await admin.PostJsonAsync(Apps.Collection("initial"), Apps.Manifest("c", labels: new() { ["k"] = "v" }));
        Assert.Equal("c", (await watch.NextAsync()).Str("object.metadata.name"));
    }

    [Fact]
    public async Task A_compacted_version_is_410_Gone_for_watches_and_continue_tokens()
    {
        using var admin = Api.Client(await Api.AdminTokenAsync());
        await admin.PostJsonAsync("/api/v1/namespaces", JsonNode.Parse("""{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"churn"}}""")!);
        var (_, first) = await admin.PostJsonAsync(Apps.Collection("churn"), Apps.Manifest("c0"));
        await admin.PostJsonAsync(Apps.Collection("churn"), Apps.Manifest("c1"));
        var (_, page) = await admin.GetJsonAsync(Apps.Collection("churn") + "?limit=1");
        Assert.NotNull(page.Str("metadata.continue"));
        for (var i = 0; i < 30; i++)
        {
            await admin.MergePatchAsync(Apps.Item("churn", "c1"), new JsonObject { ["metadata"] = new JsonObject { ["labels"] = new JsonObject { ["i"] = $"v{i}" } } });
        }

        JsonObject? error = null;
        for (var attempt = 0; attempt < 50 && error?.Str("type") != "ERROR"; attempt++)
        {
            await Task.Delay(100);
            await using var watch = await WatchReader.OpenAsync(admin, Apps.Collection("churn") + $"?watch=true&resourceVersion={first.Str("metadata.resourceVersion")}");
            error = await watch.NextAsync();
        }

        Assert.Equal("ERROR", error.Str("type"));
        Assert.Equal("410", error.Str("object.code"));
        Assert.Equal("Expired", error.Str("object.reason"));
        var (status, expired) = await admin.GetJsonAsync(Apps.Collection("churn") + "?limit=1&continue=" + page.Str("metadata.continue"));
        Assert.Equal(System.Net.HttpStatusCode.Gone, status);
        Assert.Equal("Expired", expired.Str("reason"));
    }

    [Fact]
    public async Task Bookmarks_carry_the_current_version_and_timeoutSeconds_ends_the_stream()
    {
        using var admin = Api.Client(await Api.AdminTokenAsync());
        var (_, list) = await admin.GetJsonAsync(Apps.Collection("acme"));
        await using var watch = await WatchReader.OpenAsync(admin,
            Apps.Collection("acme") + $"?watch=true&resourceVersion={list.Str("metadata.resourceVersion")}&allowWatchBookmarks=true&timeoutSeconds=2");

        var bookmark = await watch.NextAsync();
        Assert.Equal("BOOKMARK", bookmark.Str("type"));
        Assert.True(long.Parse(bookmark.Str("object.metadata.resourceVersion")!, System.Globalization.CultureInfo.InvariantCulture)
            >= long.Parse(list.Str("metadata.resourceVersion")!, System.Globalization.CultureInfo.InvariantCulture));

        JsonObject? next;
        do
        {
            next = await watch.NextAsync(TimeSpan.FromSeconds(5));
        }
        while (next is not null);
    }
}
