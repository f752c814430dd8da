using System.Net.Http.Json;
using System.Security.Claims;
using System.Text.Json.Serialization;
using AeroGrid.Portal.Sessions;
using AeroGrid.ServiceDefaults.Authentication;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AeroGrid.Portal.SignIn;

/// <summary>
/// The Portal's side of OpenID Connect's authorization code flow with PKCE: the authorize URL, then the code
/// exchanged for tokens, which are validated (signature, issuer, audience, lifetime) before anyone is signed in.
/// </summary>
/// <remarks>
/// Our own because Microsoft.AspNetCore.Authentication.OpenIdConnect is not available here. It covers the one flow
/// the Portal uses; the state parameter and PKCE protect the exchange, so no nonce is sent.
/// </remarks>
internal sealed class IssuerClient(
    IssuerMetadata metadata, IHttpClientFactory clients, IOptions<PortalOptions> portal, IOptions<AeroGridAuthOptions> auth)
{
    public const string HttpClientName = "issuer";

    private readonly JsonWebTokenHandler _tokens = new() { MapInboundClaims = false };

    public async Task<string> AuthorizeUrlAsync(PendingSignIn pending, CancellationToken cancellationToken)
    {
        var configuration = await metadata.GetAsync(cancellationToken);
        var query = new Dictionary<string, string?>
        {
            ["response_type"] = "code",
            ["client_id"] = portal.Value.ClientId,
            ["redirect_uri"] = pending.RedirectUri,
            ["scope"] = "openid profile email",
            // Auth0 issues a JWT for the API only when asked for its audience.
            ["audience"] = auth.Value.Audience,
            ["state"] = pending.State,
            ["code_challenge"] = pending.Challenge,
            ["code_challenge_method"] = "S256",
        };
        return Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString(configuration.AuthorizationEndpoint, query);
    }

    /// <exception cref="SignInException">The issuer refused the code, or its tokens do not validate.</exception>
    public async Task<SignedIn> RedeemAsync(string code, PendingSignIn pending, CancellationToken cancellationToken)
    {
        var configuration = await metadata.GetAsync(cancellationToken);
        var form = new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["code"] = code,
            ["redirect_uri"] = pending.RedirectUri,
            ["client_id"] = portal.Value.ClientId,
            ["code_verifier"] = pending.Verifier,
        };
        if (portal.Value.ClientSecret.Length > 0)
        {
            form["client_secret"] = portal.Value.ClientSecret;
        }
        using var response = await clients.CreateClient(HttpClientName)
            .PostAsync(configuration.TokenEndpoint, new FormUrlEncodedContent(form), cancellationToken);
        TokenResponse? answer;
        try
        {
            answer = await response.Content.ReadFromJsonAsync<TokenResponse>(cancellationToken);
        }
        catch (System.Text.Json.JsonException)
        {
            answer = null; // An error page from a proxy, not the issuer's JSON.
        }
        if (!response.IsSuccessStatusCode || answer?.AccessToken is not { Length: > 0 } accessToken)
        {
            throw new SignInException($"The sign-in service refused the sign-in: {answer?.ErrorDescription ?? answer?.Error ?? response.ReasonPhrase}.");
        }

        var access = await ValidateAsync(accessToken, auth.Value.Audience, "access token", cancellationToken);
        if (answer.IdToken is { Length: > 0 } idToken)
        {
            var identity = await ValidateAsync(idToken, portal.Value.ClientId, "ID token", cancellationToken);
            if (((JsonWebToken)identity.SecurityToken).Subject != ((JsonWebToken)access.SecurityToken).Subject)
            {
                throw new SignInException("The sign-in service answered with tokens for two different people.");
            }
        }
        var person = CallerIdentity.From(new ClaimsPrincipal(access.ClaimsIdentity), auth.Value.TenantClaim);
        if (person.Tenant is null)
        {
            throw new SignInException("This account belongs to no tenant, so there are no apps to show. Ask an administrator to add it to one.");
        }
        return new SignedIn(accessToken, person, new DateTimeOffset(access.SecurityToken.ValidTo, TimeSpan.Zero));
    }

    private async Task<TokenValidationResult> ValidateAsync(string token, string audience, string what, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var configuration = await metadata.GetAsync(cancellationToken);
            var result = await _tokens.ValidateTokenAsync(token, new TokenValidationParameters
            {
                ValidIssuer = auth.Value.Authority,
                ValidAudience = audience,
                IssuerSigningKeys = configuration.SigningKeys,
                ValidAlgorithms = [SecurityAlgorithms.RsaSha256],
                RequireSignedTokens = true,
                RequireExpirationTime = true,
                ClockSkew = auth.Value.ClockSkew,
            });
            if (result.IsValid)
            {
                return result;
            }
            if (result.Exception is SecurityTokenSignatureKeyNotFoundException && attempt == 0)
            {
                metadata.RequestRefresh(); // The issuer may have rotated its keys since we read them.
                continue;
            }
            throw new SignInException($"The sign-in service's {what} is not valid ({result.Exception?.GetType().Name ?? "unknown reason"}).");
        }
    }

    private sealed record TokenResponse(
        [property: JsonPropertyName("access_token")] string? AccessToken,
        [property: JsonPropertyName("id_token")] string? IdToken,
        [property: JsonPropertyName("error")] string? Error,
        [property: JsonPropertyName("error_description")] string? ErrorDescription);
}
