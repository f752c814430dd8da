using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AeroGrid.Tests.ServiceDefaults.Authentication;

/// <summary>
/// Access tokens shaped exactly like those an Auth0 tenant issues for the objects provisioning creates, signed with a key
/// of this test's, and that tenant's discovery document and JWKS for the services' JwtBearer handler to read.
/// </summary>
/// <remarks>
/// The issuer must be <c>https://{domain}/</c>, as Auth0's is, so neither the dev issuer nor a loopback server can serve the
/// keys at that address: <see cref="Discovery"/> answers the handler's backchannel in memory instead.
/// </remarks>
internal sealed class Auth0Tokens(string domain, string audience)
{
    private readonly RsaSecurityKey _key = new(RSA.Create(2048)) { KeyId = "auth0-test-key" };

    public string Issuer { get; } = $"https://{domain}/";

    /// <summary>
    /// A person's token from the Portal's sign-in to an Organization: audience and <c>/userinfo</c>, the Portal as
    /// <c>azp</c>, OpenID scopes, the RBAC permissions of their roles, <c>org_id</c>, and <c>org_name</c> when the tenant
    /// setting for Organization names in the Authentication API is on.
    /// </summary>
    public string User(
        string? orgName, IReadOnlyList<string> permissions, string? issuer = null, string? tokenAudience = null, DateTime? expires = null)
    {
        var claims = new Dictionary<string, object>
        {
            ["sub"] = "auth0|6650a1f3c2b1e4d7f8a9b0c1",
            ["aud"] = new[] { tokenAudience ?? audience, $"{Issuer}userinfo" },
            ["azp"] = "PortalClientIdFromAuth0xxxxxxxxx",
            ["scope"] = "openid profile email",
            ["org_id"] = $"org_{orgName ?? "unnamed"}0123456789",
            ["permissions"] = permissions,
        };
        if (orgName is not null)
        {
            claims["org_name"] = orgName;
        }
        return Sign(claims, issuer, expires);
    }

    /// <summary>A client-credentials token of a machine-to-machine client, with the scopes of its client grant.</summary>
    public string Machine(string clientId, IReadOnlyList<string> permissions) => Sign(new Dictionary<string, object>
    {
        ["sub"] = $"{clientId}@clients",
        ["aud"] = audience,
        ["azp"] = clientId,
        ["gty"] = "client-credentials",
        ["scope"] = string.Join(' ', permissions),
        ["permissions"] = permissions,
    });

    /// <summary>The tenant's <c>/.well-known/openid-configuration</c> and <c>/.well-known/jwks.json</c>, for the JwtBearer backchannel.</summary>
    public HttpMessageHandler Discovery() => new DiscoveryHandler(Issuer, JsonWebKeyConverter.ConvertFromRSASecurityKey(_key));

    private string Sign(Dictionary<string, object> claims, string? issuer = null, DateTime? expires = null)
    {
        var now = DateTime.UtcNow;
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer ?? Issuer,
            IssuedAt = (expires ?? now.AddHours(24)).AddHours(-24),
            Expires = expires ?? now.AddHours(24),
            Claims = claims,
            SigningCredentials = new SigningCredentials(_key, SecurityAlgorithms.RsaSha256),
        });
    }

    private sealed class DiscoveryHandler(string issuer, JsonWebKey key) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var url = request.RequestUri!.ToString();
            JsonObject? document = url == $"{issuer}.well-known/openid-configuration"
                ? new JsonObject { ["issuer"] = issuer, ["jwks_uri"] = $"{issuer}.well-known/jwks.json" }
                : url == $"{issuer}.well-known/jwks.json"
                    ? new JsonObject
                    {
                        ["keys"] = new JsonArray(new JsonObject
                        {
                            ["kty"] = key.Kty, ["use"] = "sig", ["alg"] = "RS256", ["kid"] = key.Kid, ["n"] = key.N, ["e"] = key.E,
                        }),
                    }
                    : null;
            return Task.FromResult(document is null
                ? new HttpResponseMessage(HttpStatusCode.NotFound)
                : new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(document.ToJsonString(), Encoding.UTF8, "application/json") });
        }
    }
}
