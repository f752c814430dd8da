using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.Tokens;

namespace AeroGrid.ControlPlane.DevIssuer;

/// <summary>
/// Authorization codes of the dev issuer's code flow: single use, short-lived, bound to the client, the
/// redirect URI and a PKCE S256 challenge (RFC 7636), as Auth0 binds them. The client's nonce (empty when it sent
/// none) goes with the code into the ID token.
/// </summary>
internal sealed class AuthorizationCodes(TimeProvider time)
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(60);
    private readonly ConcurrentDictionary<string, Grant> _codes = new(StringComparer.Ordinal);

    public string Issue(string clientId, string redirectUri, string codeChallenge, string nonce, bool offline, DevUser user)
    {
        var now = time.GetUtcNow();
        foreach (var (code, grant) in _codes)
        {
            if (grant.Expires < now)
            {
                _codes.TryRemove(code, out _);
            }
        }
        var issued = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));
        _codes[issued] = new Grant(clientId, redirectUri, codeChallenge, nonce, offline, user, now + Lifetime);
        return issued;
    }

    /// <summary>
    /// The user the code was issued for, the client's nonce and whether it asked for <c>offline_access</c> (a refresh
    /// token), or why the exchange is refused; the code is spent either way.
    /// </summary>
    public (DevUser? User, string Nonce, bool Offline, string? Error) Redeem(string code, string clientId, string redirectUri, string codeVerifier)
    {
        if (!_codes.TryRemove(code, out var grant) || grant.Expires < time.GetUtcNow())
        {
            return (null, "", false, "the code is unknown, expired or already used");
        }
        if (grant.ClientId != clientId || grant.RedirectUri != redirectUri)
        {
            return (null, "", false, "the code was issued to another client or redirect_uri");
        }
        var challenge = Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(codeVerifier)));
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(challenge), Encoding.ASCII.GetBytes(grant.CodeChallenge))
            ? (grant.User, grant.Nonce, grant.Offline, null)
            : (null, "", false, "code_verifier does not match the code_challenge");
    }

    private sealed record Grant(string ClientId, string RedirectUri, string CodeChallenge, string Nonce, bool Offline, DevUser User, DateTimeOffset Expires);
}
