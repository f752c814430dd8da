using System.Net;
using System.Security.Cryptography;
using System.Text;
using AeroGrid.Portal;
using AeroGrid.Portal.Sessions;
using AeroGrid.Portal.SignIn;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// <c>/signin</c> sends the browser to the issuer; <c>/signin-callback</c> takes the code back, redeems it and starts
/// a session; <c>POST /bff/signout</c> ends it. One code path for Auth0 and the local dev issuer.
/// </summary>
internal static partial class SignInEndpoints
{
    private const string CallbackPath = "/signin-callback";

    public static WebApplication MapSignIn(this WebApplication app)
    {
        app.MapGet("/signin", SignInAsync);
        app.MapGet(CallbackPath, CallbackAsync);
        return app;
    }

    private static async Task<IResult> SignInAsync(HttpContext http, IssuerClient issuer, IDataProtectionProvider protection,
        IOptions<PortalOptions> options, TimeProvider time, ILogger<IssuerClient> logger, string? returnUrl)
    {
        var pending = PendingSignIn.Start(LocalPath(returnUrl), RedirectUri(http.Request, options.Value), time.GetUtcNow());
        string authorize;
        try
        {
            authorize = await issuer.AuthorizeUrlAsync(pending, http.RequestAborted);
        }
        catch (InvalidOperationException e)
        {
            LogIssuerUnreachable(logger, e.Message);
            return Page(503, "Sign-in is not available", "The sign-in service cannot be reached right now. Try again in a moment.");
        }
        http.Response.Cookies.Append(PendingSignIn.CookieName, pending.Protect(Protector(protection)),
            SessionCookies.Options(http.Request, pending.Expires, CallbackPath));
        return Results.Redirect(authorize);
    }

    private static async Task<IResult> CallbackAsync(HttpContext http, IssuerClient issuer, SessionStore sessions,
        IDataProtectionProvider protection, TimeProvider time, ILogger<IssuerClient> logger)
    {
        var query = http.Request.Query;
        var pending = PendingSignIn.Unprotect(Protector(protection), http.Request.Cookies[PendingSignIn.CookieName]);
        http.Response.Cookies.Delete(PendingSignIn.CookieName, SessionCookies.Options(http.Request, default, CallbackPath));
        if (pending is null || pending.Expires < time.GetUtcNow() || !SameText(pending.State, query["state"]))
        {
            return Page(400, "Sign-in expired", "This sign-in was started too long ago or in another browser. Start again.");
        }
        if (query["error"].ToString() is { Length: > 0 } error)
        {
            var description = query["error_description"].ToString();
            return Page(401, "Sign-in refused", description.Length > 0 ? description : error);
        }
        try
        {
            var signedIn = await issuer.RedeemAsync(query["code"].ToString(), pending, http.RequestAborted);
            var session = sessions.Create(signedIn);
            http.Response.Cookies.Append(SessionStore.CookieName, session.Id, SessionCookies.Options(http.Request, session.Expires));
            LogSignedIn(logger, signedIn.Person.Subject, session.Tenant);
            return Results.Redirect(pending.ReturnUrl);
        }
        catch (SignInException e)
        {
            LogSignInFailed(logger, e.Message);
            return Page(401, "Sign-in failed", e.Message);
        }
        catch (Exception e) when (e is HttpRequestException or InvalidOperationException)
        {
            LogIssuerUnreachable(logger, e.Message);
            return Page(503, "Sign-in is not available", "The sign-in service cannot be reached right now. Try again in a moment.");
        }
    }

    /// <summary>Ends the session; answers where to send the browser (the issuer's logout when it has one).</summary>
    public static async Task<IResult> SignOutAsync(HttpContext http, SessionStore sessions, IssuerMetadata metadata, IOptions<PortalOptions> options)
    {
        if (http.Request.Cookies[SessionStore.CookieName] is { } id)
        {
            sessions.Remove(id);
        }
        http.Response.Cookies.Delete(SessionStore.CookieName, SessionCookies.Options(http.Request, default));
        var home = BaseUrl(http.Request, options.Value) + "/";
        return Results.Json(new { redirect = await EndSessionUrlAsync(metadata, options.Value.ClientId, home, http.RequestAborted) ?? "/" });
    }

    /// <summary>The issuer's logout, so its own session ends too; null when it has none or cannot be asked (the Portal's session is gone either way).</summary>
    private static async Task<string?> EndSessionUrlAsync(IssuerMetadata metadata, string clientId, string home, CancellationToken cancellationToken)
    {
        try
        {
            var endpoint = (await metadata.GetAsync(cancellationToken)).EndSessionEndpoint;
            return string.IsNullOrEmpty(endpoint)
                ? null
                : Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString(endpoint,
                    new Dictionary<string, string?> { ["client_id"] = clientId, ["post_logout_redirect_uri"] = home });
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    private static IDataProtector Protector(IDataProtectionProvider protection) => protection.CreateProtector("AeroGrid.Portal.SignIn");

    /// <summary>Only a path of this site: an absolute or protocol-relative URL would make the Portal an open redirect.</summary>
    private static string LocalPath(string? returnUrl) =>
        returnUrl is { Length: > 0 } url && url[0] == '/' && !url.StartsWith("//", StringComparison.Ordinal) && !url.StartsWith("/\\", StringComparison.Ordinal)
            ? url
            : "/";

    private static string RedirectUri(HttpRequest request, PortalOptions options) => BaseUrl(request, options) + CallbackPath;

    private static string BaseUrl(HttpRequest request, PortalOptions options) =>
        options.PublicUrl is { } url ? url.ToString().TrimEnd('/') : $"{request.Scheme}://{request.Host}{request.PathBase}";

    private static bool SameText(string a, string? b) =>
        b is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(a), Encoding.UTF8.GetBytes(b));

    private static IResult Page(int status, string title, string message) => Results.Content(
        $"""
        <!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
        <title>{WebUtility.HtmlEncode(title)} · AeroGrid</title></head>
        <body style="font-family:system-ui,sans-serif;max-width:34rem;margin:4rem auto;padding:0 1rem">
        <h1>{WebUtility.HtmlEncode(title)}</h1><p role="alert">{WebUtility.HtmlEncode(message)}</p>
        <p><a href="/signin">Sign in again</a> · <a href="/">Home</a></p></body></html>
        """, "text/html; charset=utf-8", statusCode: status);

    [LoggerMessage(EventId = 5001, Level = LogLevel.Information, Message = "{Subject} signed in to tenant {Tenant}")]
    private static partial void LogSignedIn(ILogger logger, string subject, string tenant);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Warning, Message = "Sign-in failed: {Reason}")]
    private static partial void LogSignInFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Warning, Message = "The issuer's discovery document cannot be read: {Reason}")]
    private static partial void LogIssuerUnreachable(ILogger logger, string reason);
}
