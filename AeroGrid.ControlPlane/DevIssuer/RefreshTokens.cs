using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace AeroGrid.ControlPlane.DevIssuer;

/// <summary>
/// Refresh tokens of the dev issuer, issued with a sign-in that asked for <c>offline_access</c>, as Auth0 issues them.
/// Each one is bound to its client and rotates on use (Auth0's refresh token rotation): the old one is spent, the answer
/// carries the next. Kept in memory: a restart of the control plane signs everyone out, which is fine locally.
/// </summary>
internal sealed class RefreshTokens(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, Grant> _tokens = new(StringComparer.Ordinal);

    public TimeSpan Lifetime { get; } = TimeSpan.FromDays(30);

    public string Issue(string clientId, DevUser user)
    {
        var token = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));
        _tokens[token] = new Grant(clientId, user, time.GetUtcNow() + Lifetime);
        return token;
    }

    /// <summary>The user the token was issued for, or null when it is unknown, expired, spent or another client's.</summary>
    public DevUser? Redeem(string token, string clientId) =>
        _tokens.TryRemove(token, out var grant) && grant.ClientId == clientId && grant.Expires > time.GetUtcNow() ? grant.User : null;

    private sealed record Grant(string ClientId, DevUser User, DateTimeOffset Expires);
}
