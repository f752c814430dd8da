using System.Net;
using System.Text.Json.Nodes;
using AeroGrid.Api.Client;
using AeroGrid.Api.Resources;
using AeroGrid.Tests.Infrastructure;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace AeroGrid.Tests.Client;

/// <summary>The typed client's verbs against the real control plane.</summary>
public sealed class ResourceClientTests(ControlPlaneFixture server) : IClassFixture<ControlPlaneFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Create_get_list_update_and_delete_round_trip()
    {
        var api = await server.AdminApiAsync();

        var created = await api.Apps.CreateAsync(TestApps.New("acme", "round-trip"), Ct);
        var fetched = await api.Apps.GetAsync("acme", "round-trip", Ct);
        var list = await api.Apps.ListAsync("acme", cancellationToken: Ct);
        var updated = await api.Apps.UpdateAsync(fetched with { Spec = fetched.Spec with { Replicas = 3 } }, Ct);
        var deleted = await api.Apps.DeleteAsync("acme", "round-trip", Ct);

        Assert.NotNull(created.Metadata.Uid);
        Assert.Equal(1, created.Metadata.Generation);
        Assert.Equal(created.Metadata.ResourceVersion, fetched.Metadata.ResourceVersion);
        Assert.Equal("print('hello')", fetched.Spec.Files.Single().Content);
        Assert.Contains(list.Items, a => a.Metadata.Uid == created.Metadata.Uid);
        Assert.NotNull(list.Metadata.ResourceVersion);
        Assert.Equal(3, updated.Spec.Replicas);
        Assert.Equal(2, updated.Metadata.Generation);
        Assert.Null(deleted);
        Assert.Null(await api.Apps.TryGetAsync("acme", "round-trip", Ct));
    }

    [Fact]
    public async Task A_missing_object_is_a_NotFound_with_the_servers_status()
    {
        var api = await server.AdminApiAsync();

        var get = await Assert.ThrowsAsync<HttpOperationException>(() => api.Apps.GetAsync("acme", "never-created", Ct));
        var delete = await Assert.ThrowsAsync<HttpOperationException>(() => api.Apps.DeleteAsync("acme", "never-created", Ct));

        Assert.Equal(HttpStatusCode.NotFound, get.Response.StatusCode);
        Assert.Equal("NotFound", ApiErrors.StatusOf(get).Reason);
        Assert.Equal("never-created", ApiErrors.StatusOf(get).Details?.Name);
        Assert.Equal(HttpStatusCode.NotFound, delete.Response.StatusCode);
    }

    [Fact]
    public async Task Pages_of_a_list_follow_the_continue_token()
    {
        var api = await server.AdminApiAsync();
        var labels = new Dictionary<string, string> { ["test"] = "paging" };
        foreach (var name in new[] { "page-a", "page-b", "page-c" })
        {
            await api.Apps.CreateAsync(TestApps.New("acme", name, labels), Ct);
        }

        var first = await api.Apps.ListAsync("acme", "test=paging", limit: 2, cancellationToken: Ct);
        var second = await api.Apps.ListAsync("acme", "test=paging", limit: 2, first.Metadata.ContinueProperty, Ct);

        Assert.Equal(2, first.Items.Count);
        Assert.NotNull(first.Metadata.ContinueProperty);
        Assert.Single(second.Items);
        Assert.True(string.IsNullOrEmpty(second.Metadata.ContinueProperty));
        Assert.Equal(["page-a", "page-b", "page-c"], first.Items.Concat(second.Items).Select(a => a.Metadata.Name).Order());
    }

    [Fact]
    public async Task An_update_from_a_stale_resourceVersion_is_a_Conflict()
    {
        var api = await server.AdminApiAsync();
        var created = await api.Apps.CreateAsync(TestApps.New("acme", "stale"), Ct);
        await api.Apps.UpdateAsync(created with { Spec = created.Spec with { Replicas = 2 } }, Ct);

        var e = await Assert.ThrowsAsync<HttpOperationException>(() => api.Apps.UpdateAsync(created with { Spec = created.Spec with { Replicas = 3 } }, Ct));

        Assert.Equal(HttpStatusCode.Conflict, e.Response.StatusCode);
        Assert.Equal("Conflict", ApiErrors.StatusOf(e).Reason);
        Assert.Equal(2, (await api.Apps.GetAsync("acme", "stale", Ct)).Spec.Replicas);
    }

    [Fact]
    public async Task Status_is_written_through_the_status_subresource_only()
    {
        var api = await server.AdminApiAsync();
        var created = await api.Apps.CreateAsync(TestApps.New("acme", "status"), Ct);

        var running = await api.Apps.UpdateStatusAsync(created with { Status = new() { Phase = AppPhase.Running, ObservedGeneration = 1 } }, Ct);
        var specUpdate = await api.Apps.UpdateAsync(running with { Spec = running.Spec with { Replicas = 2 }, Status = new() { Phase = AppPhase.Failed } }, Ct);

        Assert.Equal(AppPhase.Running, running.Status?.Phase);
        Assert.Equal(1, running.Metadata.Generation);
        Assert.Equal(2, specUpdate.Spec.Replicas);
        Assert.Equal(AppPhase.Running, specUpdate.Status?.Phase);
    }

    [Fact]
    public async Task Merge_and_json_patches_change_the_object_and_its_status()
    {
        var api = await server.AdminApiAsync();
        await api.Apps.CreateAsync(TestApps.New("acme", "patched"), Ct);

        var merged = await api.Apps.PatchAsync("acme", "patched",
            JsonNode.Parse("""{"metadata":{"labels":{"tier":"gold"}},"spec":{"replicas":4}}""")!, V1Patch.PatchType.MergePatch, cancellationToken: Ct);
        var jsonPatched = await api.Apps.PatchAsync("acme", "patched",
            JsonNode.Parse("""[{"op":"test","path":"/spec/replicas","value":4},{"op":"replace","path":"/spec/replicas","value":5}]""")!,
            V1Patch.PatchType.JsonPatch, cancellationToken: Ct);
        var statusPatched = await api.Apps.PatchAsync("acme", "patched",
            JsonNode.Parse("""{"status":{"phase":"Building"},"spec":{"replicas":9}}""")!, V1Patch.PatchType.MergePatch, status: true, Ct);

        Assert.Equal("gold", merged.Metadata.Labels?["tier"]);
        Assert.Equal(4, merged.Spec.Replicas);
        Assert.Equal(5, jsonPatched.Spec.Replicas);
        Assert.Equal(AppPhase.Building, statusPatched.Status?.Phase);
        Assert.Equal(5, statusPatched.Spec.Replicas);
    }

    [Fact]
    public async Task Delete_returns_the_object_while_a_finalizer_holds_it_and_removing_the_finalizer_deletes_it()
    {
        var api = await server.AdminApiAsync();
        await api.Apps.CreateAsync(TestApps.New("acme", "finalized", finalizers: ["aerogrid.io/test"]), Ct);

        var terminating = await api.Apps.DeleteAsync("acme", "finalized", Ct);
        var stillThere = await api.Apps.GetAsync("acme", "finalized", Ct);
        await api.Apps.UpdateAsync(stillThere with { Metadata = stillThere.Metadata with { Finalizers = [] } }, Ct);

        Assert.NotNull(terminating?.Metadata.DeletionTimestamp);
        Assert.NotNull(stillThere.Metadata.DeletionTimestamp);
        Assert.Null(await api.Apps.TryGetAsync("acme", "finalized", Ct));
    }

    [Fact]
    public async Task A_watch_sees_added_modified_and_deleted_in_order()
    {
        var api = await server.AdminApiAsync();
        var tenant = await api.NewTenantAsync("client-watch");
        var start = (await api.Apps.ListAsync(tenant, cancellationToken: Ct)).Metadata.ResourceVersion;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        stop.CancelAfter(TimeSpan.FromSeconds(20));

        var created = await api.Apps.CreateAsync(TestApps.New(tenant, "watched"), Ct);
        await api.Apps.UpdateAsync(created with { Spec = created.Spec with { Replicas = 2 } }, Ct);
        await api.Apps.DeleteAsync(tenant, "watched", Ct);

        var events = new List<(WatchEventType Type, App Object)>();
        await foreach (var e in api.Apps.WatchAsync(tenant, start, cancellationToken: stop.Token))
        {
            if (e.Type != WatchEventType.Bookmark)
            {
                events.Add(e);
            }
            if (events.Count == 3)
            {
                break;
            }
        }

        Assert.Equal([WatchEventType.Added, WatchEventType.Modified, WatchEventType.Deleted], events.Select(e => e.Type));
        Assert.All(events, e => Assert.Equal("watched", e.Object?.Metadata.Name));
        Assert.Equal(2, events[1].Object?.Spec.Replicas);
    }
}
