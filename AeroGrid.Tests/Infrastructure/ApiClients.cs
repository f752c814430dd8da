using AeroGrid.Api.Client;

namespace AeroGrid.Tests.Infrastructure;

/// <summary>Typed API clients for the control plane under test.</summary>
internal static class ApiClients
{
    /// <summary>
    /// An <see cref="ApiClient"/> with the platform's admin token. The HttpClient lives as long as the test process,
    /// as a service's would; <paramref name="handler"/> lets a test stand between the client and the network.
    /// </summary>
    public static async Task<ApiClient> AdminApiAsync(this ControlPlaneFixture server, HttpMessageHandler? handler = null)
    {
        var token = await server.AdminTokenAsync();
        var http = handler is null ? new HttpClient() : new HttpClient(handler);
        http.BaseAddress = server.Url;
        http.Timeout = TimeSpan.FromSeconds(30);
        return new ApiClient(http, _ => ValueTask.FromResult<string?>(token));
    }
}
