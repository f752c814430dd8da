using AeroGrid.Api.Client;

namespace AeroGrid.AppHost.Dashboard;

/// <summary>The AppHost's own identity at the API, through KubernetesClient: the platform's, from the dev issuer, as the Operator's.</summary>
internal static class PlatformApi
{
    public static ApiClient Create(PlatformLinks links)
    {
        var tokens = new ClientCredentialsTokenProvider(new HttpClient { Timeout = TimeSpan.FromSeconds(30) }, links.TokenEndpoint,
            new Dictionary<string, string>(StringComparer.Ordinal) { ["permissions"] = "platform:admin", ["subject"] = "aerogrid-apphost" });
        return ApiConnection.Connect(ApiConnection.Configure(links.Api, tokens));
    }
}
