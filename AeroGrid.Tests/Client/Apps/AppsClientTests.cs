using System.Net;
using System.Text.Json.Nodes;
using AeroGrid.Api.Client;
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

    [Fact]
    public async Task After_a_gap_the_api_no_longer_holds_the_watch_lists_again_and_tells_only_the_differences()
    {
        var api = await server.ControlPlane.AdminApiAsync();
        var tenant = await api.NewTenantAsync("apps-gap");
        var churn = await api.NewTenantAsync("apps-churn");
        foreach (var name in new[] { "changes", "goes", "stays" })
        {
            await api.Apps.CreateAsync(TestApps.New(tenant, name), Cancellation);
        }
        using var network = new NetworkSwitch { InnerHandler = new HttpClientHandler() };
        var client = await ClientAsync(tenant, new HttpClient(network), TimeSpan.FromMilliseconds(50));
        await using var changes = client.WatchAsync(tenant, Cancellation).GetAsyncEnumerator(Cancellation);
        var listed = new[] { await NextAsync(changes), await NextAsync(changes), await NextAsync(changes) };
        var pending = NextAsync(changes);

        network.Cut();
        var before = (await api.Apps.ListAsync(tenant, cancellationToken: Cancellation)).Metadata.ResourceVersion;
        await api.Apps.DeleteAsync(tenant, "goes", Cancellation);
        // Two changes of one app and an app that came and went: told one by one on a resumed watch, but a fresh list
        // sees only where they ended.
        for (var edit = 1; edit <= 2; edit++)
        {
            var patch = new JsonObject { ["metadata"] = new JsonObject { ["labels"] = new JsonObject { ["edit"] = $"{edit}" } } };
            await api.Apps.PatchAsync(tenant, "changes", patch, V1Patch.PatchType.MergePatch, cancellationToken: Cancellation);
        }
        await api.Apps.CreateAsync(TestApps.New(tenant, "flash"), Cancellation);
        await api.Apps.DeleteAsync(tenant, "flash", Cancellation);
        await api.Apps.CreateAsync(TestApps.New(tenant, "arrives"), Cancellation);
        // More writes than the API keeps (20), until the version the client had is compacted away.
        for (var i = 0; i < 25; i++)
        {
            await api.Apps.CreateAsync(TestApps.New(churn, $"churn-{i}"), Cancellation);
        }
        await Eventually.TrueAsync(async () => await IsGoneAsync(api, tenant, before), TimeSpan.FromSeconds(10), () => "the watch history compacted");
        network.Restore();

        var resynced = new[] { await pending, await NextAsync(changes), await NextAsync(changes) };
        await api.Apps.CreateAsync(TestApps.New(tenant, "after"), Cancellation);
        var after = await NextAsync(changes);

        Assert.Equal(["changes", "goes", "stays"], listed.Select(c => c.App.Name).Order(StringComparer.Ordinal));
        Assert.Equal(
            [(AppChangeType.Added, "arrives"), (AppChangeType.Modified, "changes"), (AppChangeType.Deleted, "goes")],
            resynced.Select(c => (c.Type, c.App.Name)).OrderBy(c => c.Type));
        Assert.Equal((AppChangeType.Added, "after"), (after.Type, after.App.Name));
    }

    private static async Task<bool> IsGoneAsync(ApiClient api, string tenant, string resourceVersion)
    {
        try
        {
            await foreach (var _ in api.Apps.WatchAsync(tenant, resourceVersion, timeoutSeconds: 1, cancellationToken: Cancellation))
            {
                return false;
            }
            return false;
        }
        catch (Exception e) when (ApiErrors.StatusCodeOf(e) == HttpStatusCode.Gone)
        {
            return true;
        }
    }

    private async Task<AppsClient> ClientAsync(string tenant, HttpClient? http = null, TimeSpan? retry = null)
    {
        var token = await server.ControlPlane.TokenAsync(tenant);
        return new AppsClient(http ?? new HttpClient(), server.ControlPlane.Url, _ => ValueTask.FromResult(token), retry);
    }

    private static async Task<AppChange> NextAsync(IAsyncEnumerator<AppChange> changes)
    {
        Assert.True(await changes.MoveNextAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(20), Cancellation), "the watch ended");
        return changes.Current;
    }
}
