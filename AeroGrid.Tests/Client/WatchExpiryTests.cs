using System.Net;
using AeroGrid.Tests.Infrastructure;

namespace AeroGrid.Tests.Client;

/// <summary>What the typed watch does with a resourceVersion the server no longer has.</summary>
public sealed class WatchExpiryTests(ShortHistoryControlPlane server) : IClassFixture<ShortHistoryControlPlane>
{
    [Fact]
    public async Task A_watch_from_a_compacted_version_ends_with_the_servers_410()
    {
        var api = await server.ControlPlane.AdminApiAsync();
        var tenant = await api.NewTenantAsync("expiry");
        var start = (await api.Apps.ListAsync(tenant, cancellationToken: TestContext.Current.CancellationToken)).Metadata.ResourceVersion!;

        var e = await api.ExpireAsync(tenant, start);

        Assert.Equal((int)HttpStatusCode.Gone, e.Status.Code);
        Assert.Equal("Expired", e.Status.Reason);
        Assert.Contains("too old resource version", e.Message, StringComparison.Ordinal);
    }
}
