using System.Net;
using AeroGrid.Api.Client;
using AeroGrid.Tests.Infrastructure;
using k8s;
using k8s.Autorest;

namespace AeroGrid.Tests.Client;

/// <summary>Connections from KubernetesClient's own configuration: the dev issuer's kubeconfig, and client credentials.</summary>
public sealed class ApiConnectionTests(ApiConnectionTests.StrictClockControlPlane fixture) : IClassFixture<ApiConnectionTests.StrictClockControlPlane>
{
    private ControlPlaneFixture Server => fixture.ControlPlane;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_dev_issuers_kubeconfig_connects_over_https_trusting_the_certificate_it_carries()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("aerogrid-kubeconfig-").FullName, "kubeconfig");
        using (var http = new HttpClient())
        {
            await File.WriteAllTextAsync(path, await http.GetStringAsync(new Uri(Server.Issuer, "kubeconfig?tenant=acme"), Ct), Ct);
        }

        using var api = ApiConnection.Connect(ApiConnection.Configure(server: null, tokens: null, kubeconfig: path));
        await api.Apps.CreateAsync(TestApps.New("acme", "from-kubeconfig"), Ct);

        Assert.Equal(Uri.UriSchemeHttps, ((Kubernetes)api.Kubernetes).BaseUri.Scheme);
        Assert.Contains((await api.Apps.ListAsync("acme", cancellationToken: Ct)).Items, app => app.Metadata.Name == "from-kubeconfig");
        Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
    }

    [Fact]
    public async Task A_client_credentials_connection_outlives_its_tokens_by_fetching_new_ones()
    {
        using var tokenHttp = new HttpClient();
        var tokens = new ClientCredentialsTokenProvider(tokenHttp, new Uri(Server.Issuer, "oauth/token"), new Dictionary<string, string>
        {
            ["permissions"] = "platform:admin",
            ["subject"] = "refresh-test",
            ["expires_in"] = "2",
        });
        using var api = ApiConnection.Connect(ApiConnection.Configure(Server.Url, tokens));
        var first = await tokens.GetTokenAsync(Ct);
        await api.Apps.ListAsync("acme", cancellationToken: Ct);

        await Task.Delay(TimeSpan.FromSeconds(3), Ct);

        using var stale = new ApiClient(new Kubernetes(new KubernetesClientConfiguration { Host = Server.Url.ToString(), AccessToken = first }));
        var refused = await Assert.ThrowsAsync<HttpOperationException>(() => stale.Apps.ListAsync("acme", cancellationToken: Ct));
        Assert.Equal(HttpStatusCode.Unauthorized, refused.Response.StatusCode);
        await api.Apps.ListAsync("acme", cancellationToken: Ct);
    }

    /// <summary>A control plane that allows no clock skew, so a token is refused as soon as it expires.</summary>
    public sealed class StrictClockControlPlane : IAsyncLifetime
    {
        public ControlPlaneFixture ControlPlane { get; } = new();

        public async ValueTask InitializeAsync()
        {
            ControlPlane.Settings["Auth:ClockSkew"] = "00:00:00";
            await ControlPlane.InitializeAsync();
        }

        public ValueTask DisposeAsync() => ControlPlane.DisposeAsync();
    }
}
