using AeroGrid.Api.Client;

namespace AeroGrid.AppHost.Dashboard;

/// <summary>The AppHost's own identity at the API: the platform's, from the dev issuer, as the Operator's.</summary>
internal static class PlatformApi
{
    public static ApiClient Create(PlatformLinks links)
    {
        var tokens = new ClientCredentialsTokenSource(new HttpClient { Timeout = TimeSpan.FromSeconds(30) }, links.TokenEndpoint,
            new Dictionary<string, string>(StringComparer.Ordinal) { ["permissions"] = "platform:admin", ["subject"] = "aerogrid-apphost" });
        // No client timeout: watches and followed logs stay open; the informer bounds its watches itself.
        return new ApiClient(new HttpClient { BaseAddress = links.Api, Timeout = Timeout.InfiniteTimeSpan }, tokens.GetTokenAsync);
    }
}
