using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AeroGrid.Tests.Infrastructure;

/// <summary>
/// Tokens for the negative cases the dev issuer would never issue: signed with its real key (read from
/// the data directory) but with wrong claims, or with a foreign key, or not signed at all.
/// </summary>
internal static class TestTokens
{
    public const string TenantClaim = "https://aerogrid.io/tenant";
    public const string Audience = "https://api.aerogrid.io";
    private static readonly string[] DefaultPermissions = ["apps:read", "apps:write"];

    public static SecurityKey DevKey(string dataDirectory)
    {
        var rsa = RSA.Create();
        rsa.ImportFromPem(File.ReadAllText(Path.Combine(dataDirectory, "dev-issuer-key.pem")));
        var key = new RsaSecurityKey(rsa);
        key.KeyId = Base64UrlEncoder.Encode(key.ComputeJwkThumbprint());
        return key;
    }

    /// <summary>A key nobody trusts, presenting the trusted key's id.</summary>
    public static SecurityKey ForeignKey(string keyId) => new RsaSecurityKey(RSA.Create(2048)) { KeyId = keyId };

    public static string Create(
        SecurityKey key, string issuer, string tenant, string audience = Audience, DateTime? notBefore = null, DateTime? expires = null,
        string algorithm = SecurityAlgorithms.RsaSha256, params string[] permissions)
    {
        var now = DateTime.UtcNow;
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            IssuedAt = now.AddHours(-2),
            NotBefore = notBefore ?? now.AddMinutes(-1),
            Expires = expires ?? now.AddHours(1),
            Claims = new Dictionary<string, object>
            {
                ["sub"] = "tester",
                [TenantClaim] = tenant,
                ["permissions"] = permissions.Length == 0 ? DefaultPermissions : permissions,
            },
            SigningCredentials = new SigningCredentials(key, algorithm),
        });
    }

    /// <summary>An unsigned token (<c>alg: none</c>) with otherwise valid claims.</summary>
    public static string Unsigned(string issuer, string tenant)
    {
        static string Encode(string json) => Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(json));
        var exp = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds();
        return Encode("""{"alg":"none","typ":"JWT"}""") + "." +
            Encode($$"""{"iss":"{{issuer}}","aud":"{{Audience}}","sub":"tester","exp":{{exp}},"{{TenantClaim}}":"{{tenant}}","permissions":["apps:read"]}""") + ".";
    }
}
