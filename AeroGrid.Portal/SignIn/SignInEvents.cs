using System.Security.Claims;
using AeroGrid.ServiceDefaults.Authentication;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace AeroGrid.Portal.SignIn;

/// <summary>
/// What the Portal adds to the OpenID Connect handler's code flow: the API audience on the authorize request, the
/// access token validated as strictly as the API validates it, the session's end, and a readable page for every way a
/// sign-in can fail.
/// </summary>
internal sealed class SignInEvents(
    IOptions<AeroGridAuthOptions> auth, IOptions<PortalOptions> portal, TimeProvider time, ILogger<SignInEvents> logger) : OpenIdConnectEvents
{
    public override Task RedirectToIdentityProvider(RedirectContext context)
    {
        // Auth0 issues a JWT for the API only when asked for its audience (else an opaque token the API cannot read).
        context.ProtocolMessage.SetParameter("audience", auth.Value.Audience);
        // The handler's redirect URI is the request's own address; behind a proxy the registered one is PublicUrl's.
        context.ProtocolMessage.RedirectUri = portal.Value.BaseUrl(context.Request) + context.Options.CallbackPath;
        return Task.CompletedTask;
    }

    /// <summary>
    /// The handler has validated the ID token (and its nonce); the access token is what the Portal sends to the API as
    /// the person, so it must be just as valid (signature against the issuer's keys, issuer, the API's audience, lifetime)
    /// and be about the same person. Its claims (permissions, tenant) become the session's principal.
    /// </summary>
    public override async Task TokenValidated(TokenValidatedContext context)
    {
        try
        {
            var accessToken = context.TokenEndpointResponse?.AccessToken is { Length: > 0 } token
                ? token
                : throw new SignInException("The sign-in service sent no access token for the AeroGrid API.");
            var access = await ValidateAccessTokenAsync(context.Options, accessToken, context.HttpContext.RequestAborted);
            var subject = ((JsonWebToken)access.SecurityToken).Subject;
            if (context.SecurityToken.Subject != subject)
            {
                throw new SignInException("The sign-in service answered with tokens for two different people.");
            }
            var person = new ClaimsPrincipal(access.ClaimsIdentity);
            var tenant = CallerIdentity.From(person, auth.Value.TenantClaim).Tenant
                ?? throw new SignInException("This account belongs to no tenant, so there are no apps to show. Ask an administrator to add it to one.");

            context.Principal = person;
            var properties = context.Properties!;
            properties.IsPersistent = true;
            var tokenExpires = new DateTimeOffset(access.SecurityToken.ValidTo, TimeSpan.Zero);
            var latest = time.GetUtcNow() + portal.Value.MaxSessionLifetime;
            properties.ExpiresUtc = tokenExpires < latest ? tokenExpires : latest;
            SignInLog.SignedIn(logger, subject, tenant);
        }
        catch (SignInException e)
        {
            context.Fail(e);
        }
    }

    public override async Task RemoteFailure(RemoteFailureContext context)
    {
        context.HandleResponse();
        await PageFor(context.Failure).ExecuteAsync(context.HttpContext);
    }

    private async Task<TokenValidationResult> ValidateAccessTokenAsync(OpenIdConnectOptions options, string accessToken, CancellationToken cancellationToken)
    {
        var configuration = await options.ConfigurationManager!.GetConfigurationAsync(cancellationToken);
        // The ID token's parameters (issuer, RS256 only, signed, expiring, clock skew) with the API's audience.
        var parameters = options.TokenValidationParameters.Clone();
        parameters.ValidAudience = auth.Value.Audience;
        parameters.IssuerSigningKeys = configuration.SigningKeys;
        var result = await options.TokenHandler.ValidateTokenAsync(accessToken, parameters);
        return result.IsValid
            ? result
            : throw new SignInException($"The sign-in service's access token is not valid ({result.Exception?.GetType().Name ?? "unknown reason"}).");
    }

    private IResult PageFor(Exception? failure)
    {
        if (failure is InvalidOperationException or HttpRequestException)
        {
            // The discovery document, the keys or the token endpoint cannot be reached.
            SignInLog.IssuerUnreachable(logger, failure.Message);
            return SignInPage.Unavailable();
        }
        SignInLog.SignInFailed(logger, failure?.Message ?? "unknown reason");
        return failure switch
        {
            SignInException => SignInPage.Show(401, "Sign-in failed", failure.Message),
            // The person declined, or the issuer would not sign them in (error=access_denied on the callback).
            OpenIdConnectProtocolException { Data: var data } when data["error"] is "access_denied" =>
                SignInPage.Show(401, "Sign-in refused", data["error_description"] as string is { Length: > 0 } description
                    ? description
                    : "The sign-in service did not sign you in."),
            OpenIdConnectProtocolException { Data: var data } when data["error"] is string error =>
                SignInPage.Show(401, "Sign-in failed", $"The sign-in service refused the sign-in: {data["error_description"] as string ?? error}."),
            // The handler's own checks of the callback: no or unreadable state, no correlation cookie (another browser,
            // or started longer ago than the handler's RemoteAuthenticationTimeout).
            AuthenticationFailureException =>
                SignInPage.Show(400, "Sign-in expired", "This sign-in was started too long ago or in another browser. Start again."),
            _ => SignInPage.Show(401, "Sign-in failed", "The sign-in service's answer could not be verified. Start again."),
        };
    }
}
