using AeroGrid.Api.Client;
using AeroGrid.ServiceDefaults.Authentication;
using Microsoft.Extensions.Options;

namespace AeroGrid.Gateway.Watch;

/// <summary>
/// The gateway's client for the API server, authenticated as the platform: a <c>platform:admin</c> token from the dev
/// issuer's client-credentials grant, fetched again before it expires, because the gateway lists Apps of every tenant.
/// </summary>
/// <remarks>Local only, like the gateway: in a cluster Istio routes and nothing needs this token.</remarks>
internal static class ApiServerClient
{
    public const string HttpClientName = "api-server";
    public const string Subject = "aerogrid-gateway";

    /// <summary>The client's standard resilience options under <c>Gateway:</c>, e.g. <c>Gateway:ApiServerResilience:AttemptTimeout:Timeout</c>.</summary>
    public const string ResilienceSection = "ApiServerResilience";

    public static ApiClient Create(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<GatewayOptions>>().Value;
        var http = services.GetRequiredService<IHttpClientFactory>();
        var tokens = new ClientCredentialsTokenSource(http.CreateClient(HttpClientName), options.TokenEndpoint!, new Dictionary<string, string>
        {
            ["permissions"] = Permissions.PlatformAdmin,
            ["subject"] = Subject,
        });
        var api = http.CreateClient(HttpClientName);
        api.BaseAddress = options.ApiServer;
        return new ApiClient(api, tokens.GetTokenAsync);
    }
}
