using System.Text.Json.Nodes;
using AeroGrid.Client.Apps;
using AeroGrid.Tests.Infrastructure;
using k8s.Models;

namespace AeroGrid.Tests.Client.Apps;

/// <summary>The desktop client's apps with live status, against a real control plane.</summary>
public sealed class AppsClientTests(ShortHistoryControlPlane server) : IClassFixture<ShortHistoryControlPlane>
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_watch_lists_the_apps_then_tells_each_create_change_and_delete()
    {
        var api = await server.ControlPlane.AdminApiAsync();
        var tenant = await api.NewTenantAsync("apps-watch");
        await api.Apps.CreateAsync(TestApps.New(tenant, "first"), Cancellation);
        var client = await ClientAsync(tenant);

        await using var changes = client.WatchAsync(tenant, Cancellation).GetAsyncEnumerator(Cancellation);
        var listed = await NextAsync(changes);
        await api.Apps.CreateAsync(TestApps.New(tenant, "second"), Cancellation);
        var created = await NextAsync(changes);
        var patch = new JsonObject { ["metadata"] = new JsonObject { ["labels"] = new JsonObject { ["edited"] = "yes" } } };
        await api.Apps.PatchAsync(tenant, "second", patch, V1Patch.PatchType.MergePatch, cancellationToken: Cancellation);
        var modified = await NextAsync(changes);
        await api.Apps.DeleteAsync(tenant, "second", Cancellation);
        var deleted = await NextAsync(changes);

        Assert.Equal((AppChangeType.Added, "first"), (listed.Type, listed.App.Name));
        Assert.Equal((AppChangeType.Added, "second"), (created.Type, created.App.Name));
        Assert.Equal((AppChangeType.Modified, "second"), (modified.Type, modified.App.Name));
        Assert.Equal((AppChangeType.Deleted, "second"), (deleted.Type, deleted.App.Name));
        Assert.Equal(["first"], (await client.ListAsync(tenant, Cancellation)).Select(app => app.Name));
    }

    [Fact]
    public async Task A_person_of_another_tenant_is_refused_with_the_apis_message()
    {
        var api = await server.ControlPlane.AdminApiAsync();
        var tenant = await api.NewTenantAsync("apps-mine");
        var other = await api.NewTenantAsync("apps-theirs");
        var client = await ClientAsync(other);

        var refused = await Assert.ThrowsAsync<AppsException>(() => client.ListAsync(tenant, Cancellation));
        var watchRefused = await Assert.ThrowsAsync<AppsException>(async () =>
        {
            await foreach (var _ in client.WatchAsync(tenant, Cancellation))
            {
            }
        });

        Assert.Equal(403, refused.StatusCode);
        Assert.Contains(tenant, refused.Message, StringComparison.Ordinal);
        Assert.Equal(403, watchRefused.StatusCode);
    }

    private async Task<AppsClient> ClientAsync(string tenant)
    {
        var token = await server.ControlPlane.TokenAsync(tenant);
        return new AppsClient(new HttpClient(), server.ControlPlane.Url, _ => ValueTask.FromResult(token));
    }

    private static async Task<AppChange> NextAsync(IAsyncEnumerator<AppChange> changes)
    {
        Assert.True(await changes.MoveNextAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(20), Cancellation), "the watch ended");
        return changes.Current;
    }
}
