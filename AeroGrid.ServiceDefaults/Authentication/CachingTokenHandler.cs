using System.Collections.Concurrent;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AeroGrid.ServiceDefaults.Authentication;

/// <summary>
/// Validates a token once and reuses the result until the token expires, so a client sending the same
/// token on every request costs one RS256 signature check, not one per request.
/// </summary>
/// <remarks>
/// Envoy's jwt_authn filter (which the Istio ingress runs) caches verified JWTs the same way
/// (<c>jwt_cache_config</c>). A JWT cannot be revoked before its <c>exp</c> anyway; only a key removed from the
/// JWKS is noticed later, at the token's expiry. Invalid tokens are never cached.
/// </remarks>
internal sealed class CachingTokenHandler(TimeProvider time) : JsonWebTokenHandler
{
    /// <summary>Bounds memory: past this many distinct tokens the cache starts over.</summary>
    private const int MaxEntries = 10_000;

    private readonly ConcurrentDictionary<string, TokenValidationResult> _validated = new(StringComparer.Ordinal);

    public override async Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
    {
        if (_validated.TryGetValue(token, out var cached))
        {
            if (cached.SecurityToken.ValidTo > time.GetUtcNow().UtcDateTime)
            {
                return Copy(cached);
            }
            _validated.TryRemove(token, out _);
        }
        var result = await base.ValidateTokenAsync(token, validationParameters).ConfigureAwait(false);
        if (result.IsValid)
        {
            if (_validated.Count >= MaxEntries)
            {
                _validated.Clear();
            }
            _validated[token] = result;
            return Copy(result);
        }
        return result;
    }

    // Each request gets its own identity: one request extending its principal must not change the others'.
    private static TokenValidationResult Copy(TokenValidationResult result) => new()
    {
        IsValid = true,
        SecurityToken = result.SecurityToken,
        ClaimsIdentity = result.ClaimsIdentity.Clone(),
        Issuer = result.Issuer,
        TokenType = result.TokenType,
    };
}
