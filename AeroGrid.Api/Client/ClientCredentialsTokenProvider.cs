using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using k8s.Authentication;

namespace AeroGrid.Api.Client;

/// <summary>
/// KubernetesClient's token provider for an OAuth 2.0 client-credentials grant: Auth0's <c>/oauth/token</c> for the
/// platform's M2M client in production, the dev issuer's locally. The token is cached until shortly before it
/// expires and fetched again then, so a long-running component never needs a restart for a fresh one.
/// </summary>
/// <remarks>KubernetesClient has providers for static tokens, token files, exec plugins and OIDC refresh tokens, not for this grant.</remarks>
public sealed class ClientCredentialsTokenProvider(HttpClient http, Uri tokenEndpoint, IReadOnlyDictionary<string, string> parameters) : ITokenProvider
{
    private static readonly TimeSpan RefreshBefore = TimeSpan.FromSeconds(60);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private string? _token;
    private DateTimeOffset _expires;

    public async Task<AuthenticationHeaderValue> GetAuthenticationHeaderAsync(CancellationToken cancellationToken) =>
        new("Bearer", await GetTokenAsync(cancellationToken).ConfigureAwait(false));

    /// <summary>The current token, fetched again when it is about to expire.</summary>
    public async Task<string> GetTokenAsync(CancellationToken cancellationToken)
    {
        if (_token is { } cached && DateTimeOffset.UtcNow < _expires - RefreshBefore)
        {
            return cached;
        }
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_token is null || DateTimeOffset.UtcNow >= _expires - RefreshBefore)
            {
                var form = new Dictionary<string, string>(parameters, StringComparer.Ordinal) { ["grant_type"] = "client_credentials" };
                using var content = new FormUrlEncodedContent(form);
                using var response = await http.PostAsync(tokenEndpoint, content, cancellationToken).ConfigureAwait(false);
                if (!response.IsSuccessStatusCode)
                {
                    throw new HttpRequestException(
                        $"the token endpoint {tokenEndpoint} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false)}",
                        null, response.StatusCode);
                }
                var body = await response.Content.ReadFromJsonAsync<JsonObject>(cancellationToken).ConfigureAwait(false);
                _token = body?["access_token"]?.GetValue<string>() ?? throw new HttpRequestException($"the token endpoint {tokenEndpoint} sent no access_token");
                _expires = DateTimeOffset.UtcNow.AddSeconds(body["expires_in"]?.GetValue<double>() ?? 300);
            }
            return _token;
        }
        finally
        {
            _gate.Release();
        }
    }
}
