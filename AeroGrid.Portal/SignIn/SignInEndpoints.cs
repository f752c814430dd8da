using AeroGrid.Portal;
using AeroGrid.Portal.SignIn;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// <c>/signin</c> sends the browser to the issuer (the OpenID Connect handler's challenge; its callback,
/// <c>/signin-callback</c>, starts the session); <c>POST /bff/signout</c> ends it. One code path for Auth0 and the dev issuer.
/// </summary>
internal static class SignInEndpoints
{
    /// <summary>How long sign-out waits for the issuer's discovery document before it lands on the Portal's own page.</summary>
    private static readonly TimeSpan IssuerWait = TimeSpan.FromSeconds(5);

    public static WebApplication MapSignIn(this WebApplication app)
    {
        app.MapGet("/signin", SignInAsync);
        return app;
    }

    private static async Task<IResult> SignInAsync(HttpContext http, ILogger<SignInEvents> logger, string? returnUrl)
    {
        try
        {
            await http.ChallengeAsync(OpenIdConnectDefaults.AuthenticationScheme, new AuthenticationProperties { RedirectUri = LocalPath(returnUrl) });
            return Results.Empty;
        }
        catch (InvalidOperationException e)
        {
            // The handler reads the discovery document before it redirects; without one there is nowhere to send the browser.
            SignInLog.IssuerUnreachable(logger, e.Message);
            return SignInPage.Unavailable();
        }
    }

    /// <summary>
    /// Ends the session on the server, then answers where to send the browser: the issuer's end_session endpoint when it
    /// has one, so its own session ends too, else the Portal's signed-out page.
    /// </summary>
    /// <remarks>
    /// Not the handler's own SignOutAsync: the front end signs out with fetch, which cannot follow a redirect to another
    /// site, so the Portal hands it the address; and the handler throws when the issuer has no end_session endpoint or
    /// cannot be reached, while signing out must never depend on the issuer.
    /// </remarks>
    public static async Task<IResult> SignOutAsync(HttpContext http, IOptionsMonitor<OpenIdConnectOptions> oidc, IOptions<PortalOptions> portal,
        ILogger<SignInEvents> logger)
    {
        var idToken = await http.GetTokenAsync(CookieAuthenticationDefaults.AuthenticationScheme, OpenIdConnectParameterNames.IdToken);
        // The ticket leaves the store first, whatever the issuer does: even a copy of the cookie is worth nothing now.
        await http.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        var options = oidc.Get(OpenIdConnectDefaults.AuthenticationScheme);
        string? endSession;
        try
        {
            endSession = (await options.ConfigurationManager!.GetConfigurationAsync(http.RequestAborted).WaitAsync(IssuerWait, http.RequestAborted))
                .EndSessionEndpoint;
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException)
        {
            SignInLog.IssuerUnreachable(logger, e.Message);
            endSession = null;
        }
        var home = portal.Value.BaseUrl(http.Request) + "/";
        return Results.Json(new
        {
            redirect = string.IsNullOrEmpty(endSession)
                ? "/"
                : new OpenIdConnectMessage
                {
                    IssuerAddress = endSession,
                    ClientId = options.ClientId,
                    IdTokenHint = idToken,
                    PostLogoutRedirectUri = home,
                    EnableTelemetryParameters = !options.DisableTelemetry,
                }.CreateLogoutRequestUrl(),
        });
    }

    /// <summary>Only a path of this site: an absolute or protocol-relative URL would make the Portal an open redirect.</summary>
    private static string LocalPath(string? returnUrl) =>
        returnUrl is { Length: > 0 } url && url[0] == '/' && !url.StartsWith("//", StringComparison.Ordinal) && !url.StartsWith("/\\", StringComparison.Ordinal)
            ? url
            : "/";
}
