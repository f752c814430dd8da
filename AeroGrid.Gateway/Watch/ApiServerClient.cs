using AeroGrid.Api.Client;
using AeroGrid.ServiceDefaults.Authentication;
using Microsoft.Extensions.Options;

namespace AeroGrid.Gateway.Watch;

/// <summary>
/// The gateway's KubernetesClient connection to the API server, authenticated as the platform: a <c>platform:admin</c>
/// token from the dev issuer's client-credentials grant, fetched again before it expires, because the gateway lists
/// Apps of every tenant.
/// </summary>
/// <remarks>Local only, like the gateway: in a cluster Istio routes and nothing needs this token.</remarks>
internal static class ApiServerClient
{
    public const string HttpClientName = "api-server";
    public const string Subject = "aerogrid-gateway";

    public static ApiClient Create(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<GatewayOptions>>().Value;
        var tokens = new ClientCredentialsTokenProvider(
            services.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientName), options.TokenEndpoint!, new Dictionary<string, string>
            {
                ["permissions"] = Permissions.PlatformAdmin,
                ["subject"] = Subject,
            });
        return ApiConnection.Connect(ApiConnection.Configure(options.ApiServer, tokens));
    }
}
