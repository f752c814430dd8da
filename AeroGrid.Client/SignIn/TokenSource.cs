using System.Net.Http.Json;

namespace AeroGrid.Client.SignIn;

/// <summary>
/// The tokens of one signed-in person: hands out the access token and refreshes it with the refresh token shortly
/// before it expires, so callers never send an expired one. Thread-safe.
/// </summary>
public sealed class TokenSource
{
    private readonly HttpClient _http;
    private readonly Uri _tokenEndpoint;
    private readonly string _clientId;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _refreshing = new(1, 1);
    private TokenResponse _tokens;
    private DateTimeOffset _expires;

    internal TokenSource(HttpClient http, Uri tokenEndpoint, string clientId, TokenResponse tokens, TimeProvider time)
    {
        (_http, _tokenEndpoint, _clientId, _time) = (http, tokenEndpoint, clientId, time);
        (_tokens, _expires) = (tokens, time.GetUtcNow().AddSeconds(tokens.ExpiresIn));
    }

    /// <summary>How long before expiry the access token is refreshed. One minute unless set.</summary>
    public TimeSpan RefreshBefore { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>When the current access token expires.</summary>
    public DateTimeOffset ExpiresAt => _expires;

    /// <summary>Whether a refresh token was issued (the sign-in asked for <c>offline_access</c>).</summary>
    public bool CanRefresh => _tokens.RefreshToken is not null;

    /// <summary>A valid access token, refreshed first when it expires within <see cref="RefreshBefore"/>.</summary>
    /// <exception cref="SignInException">The issuer refused the refresh: sign in again.</exception>
    public async ValueTask<string> GetAccessTokenAsync(CancellationToken cancellationToken = default)
    {
        if (_time.GetUtcNow() < _expires - RefreshBefore || !CanRefresh)
        {
            return _tokens.AccessToken;
        }
        await _refreshing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_time.GetUtcNow() >= _expires - RefreshBefore)
            {
                await RefreshCoreAsync(cancellationToken).ConfigureAwait(false);
            }
            return _tokens.AccessToken;
        }
        finally
        {
            _refreshing.Release();
        }
    }

    private async Task RefreshCoreAsync(CancellationToken cancellationToken)
    {
        var form = new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token",
            ["client_id"] = _clientId,
            ["refresh_token"] = _tokens.RefreshToken!,
        };
        var tokens = await RequestAsync(_http, _tokenEndpoint, form, cancellationToken).ConfigureAwait(false);
        // An issuer that rotates refresh tokens (Auth0 with rotation, the dev issuer) sends the next one; others keep the old.
        _tokens = tokens with { RefreshToken = tokens.RefreshToken ?? _tokens.RefreshToken };
        _expires = _time.GetUtcNow().AddSeconds(tokens.ExpiresIn);
    }

    internal static async Task<TokenResponse> RequestAsync(HttpClient http, Uri tokenEndpoint, Dictionary<string, string> form, CancellationToken cancellationToken)
    {
        using var content = new FormUrlEncodedContent(form);
        using var response = await http.PostAsync(tokenEndpoint, content, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            throw new SignInException($"the token endpoint answered {(int)response.StatusCode}: {body}");
        }
        return await response.Content.ReadFromJsonAsync<TokenResponse>(cancellationToken).ConfigureAwait(false)
            ?? throw new SignInException("the token endpoint answered with no tokens");
    }
}
