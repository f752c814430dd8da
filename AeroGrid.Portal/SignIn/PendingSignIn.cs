using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;

namespace AeroGrid.Portal.SignIn;

/// <summary>
/// What the Portal must remember between sending the browser to the issuer and its return: the state that ties
/// the answer to this browser, the PKCE verifier, and where to go afterwards. Kept in a short-lived, encrypted cookie.
/// </summary>
internal sealed record PendingSignIn(string State, string Verifier, string ReturnUrl, string RedirectUri, DateTimeOffset Expires)
{
    public const string CookieName = "aerogrid.signin";
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);

    public static PendingSignIn Start(string returnUrl, string redirectUri, DateTimeOffset now) =>
        new(Random(), Random(), returnUrl, redirectUri, now + Lifetime);

    /// <summary>The PKCE S256 challenge: base64url(SHA-256(verifier)).</summary>
    public string Challenge => Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(Verifier)));

    public string Protect(IDataProtector protector) =>
        protector.Protect(JsonSerializer.Serialize(this));

    public static PendingSignIn? Unprotect(IDataProtector protector, string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }
        try
        {
            return JsonSerializer.Deserialize<PendingSignIn>(protector.Unprotect(value));
        }
        catch (CryptographicException)
        {
            return null; // Tampered with, or from before the keys changed: start again.
        }
    }

    private static string Random() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
}
