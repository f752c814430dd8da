using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace AeroGrid.Bench;

/// <summary>Tokens from the control plane's dev issuer; <c>http</c>'s base address is the control plane.</summary>
internal static class DevIssuer
{
    public static Task<string> AdminTokenAsync(HttpClient http) => TokenAsync(http, tenant: null, "platform:admin");

    /// <summary>A token of <paramref name="tenant"/> (none for the platform) with space-separated <paramref name="permissions"/>.</summary>
    public static async Task<string> TokenAsync(HttpClient http, string? tenant, string permissions)
    {
        var form = new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["permissions"] = permissions,
            ["subject"] = "bench",
        };
        if (tenant is not null)
        {
            form["tenant"] = tenant;
        }
        using var response = await http.PostAsync("/dev-issuer/oauth/token", new FormUrlEncodedContent(form));
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["access_token"]!.GetValue<string>();
    }
}
