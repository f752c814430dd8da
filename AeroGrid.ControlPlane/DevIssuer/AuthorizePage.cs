using System.Net;
using System.Text;
using AeroGrid.ControlPlane;
using Microsoft.Extensions.Options;

namespace AeroGrid.ControlPlane.DevIssuer;

/// <summary>
/// <c>/authorize</c> of the code flow: a page to choose whom to sign in as (Auth0 shows its login page here),
/// then a redirect back to the client with a code. PKCE (S256) is required; redirect URIs must be loopback. A client's
/// <c>nonce</c> comes back in the ID token, as OpenID Connect requires (the Portal's OpenID Connect handler checks it).
/// <c>/logout</c> is the end_session endpoint (OpenID Connect RP-initiated logout, Auth0's <c>/oidc/logout</c>).
/// </summary>
internal static class AuthorizePage
{
    private static readonly string[] Parameters = ["response_type", "client_id", "redirect_uri", "state", "code_challenge", "code_challenge_method", "scope", "nonce"];

    public static RouteGroupBuilder MapAuthorizePage(this RouteGroupBuilder issuer)
    {
        issuer.MapGet("/authorize", (HttpRequest request, IOptions<ControlPlaneOptions> options) =>
        {
            var query = Parameters.ToDictionary(p => p, p => request.Query[p].ToString());
            if (Refusal(query) is { } refusal)
            {
                return Results.Content(Page("Sign-in request refused", $"<p role=\"alert\">{WebUtility.HtmlEncode(refusal)}</p>"), "text/html", statusCode: 400);
            }
            var hidden = string.Concat(query.Select(p => $"<input type=\"hidden\" name=\"{p.Key}\" value=\"{WebUtility.HtmlEncode(p.Value)}\">"));
            var users = string.Concat(DevUser.For(options.Value.Tenants).Select(user =>
                $"<li><button type=\"submit\" name=\"user\" value=\"{WebUtility.HtmlEncode(user.Subject)}\">{WebUtility.HtmlEncode(user.Subject)}</button> " +
                $"<span>tenant {WebUtility.HtmlEncode(user.Tenant)}: {WebUtility.HtmlEncode(user.Description)}</span></li>"));
            return Results.Content(Page("Sign in to AeroGrid (dev)",
                $"<p>Choose who to be. This page is the local stand-in for Auth0's login.</p><form method=\"post\">{hidden}<ul>{users}</ul></form>"), "text/html");
        });
        issuer.MapPost("/authorize", async (HttpRequest request, IOptions<ControlPlaneOptions> options, AuthorizationCodes codes) =>
        {
            var form = await request.ReadFormAsync(request.HttpContext.RequestAborted);
            var fields = Parameters.ToDictionary(p => p, p => form[p].ToString());
            var user = DevUser.For(options.Value.Tenants).FirstOrDefault(u => u.Subject == form["user"]);
            var refusal = Refusal(fields) ?? (user is null ? "choose one of the listed users" : null);
            if (refusal is not null)
            {
                return Results.Content(Page("Sign-in request refused", $"<p role=\"alert\">{WebUtility.HtmlEncode(refusal)}</p>"), "text/html", statusCode: 400);
            }
            var offline = fields["scope"].Split(' ').Contains("offline_access");
            var code = codes.Issue(fields["client_id"], fields["redirect_uri"], fields["code_challenge"], fields["nonce"], offline, user!);
            var separator = fields["redirect_uri"].Contains('?', StringComparison.Ordinal) ? '&' : '?';
            return Results.Redirect($"{fields["redirect_uri"]}{separator}code={Uri.EscapeDataString(code)}&state={Uri.EscapeDataString(fields["state"])}");
        });
        // The dev issuer keeps no session of its own (its page asks every time), so logging out only sends the browser back.
        issuer.MapGet("/logout", (HttpRequest request) =>
        {
            var back = request.Query["post_logout_redirect_uri"].ToString();
            if (back.Length == 0)
            {
                return Results.Content(Page("Signed out", "<p>You are signed out of the dev issuer.</p>"), "text/html");
            }
            if (!IsLoopbackRedirect(back))
            {
                return Results.Content(Page("Sign-out request refused", "<p role=\"alert\">post_logout_redirect_uri must be an http(s) address on this machine</p>"),
                    "text/html", statusCode: 400);
            }
            var state = request.Query["state"].ToString();
            return Results.Redirect(state.Length == 0
                ? back
                : $"{back}{(back.Contains('?', StringComparison.Ordinal) ? '&' : '?')}state={Uri.EscapeDataString(state)}");
        });
        return issuer;
    }

    private static bool IsLoopbackRedirect(string uri) =>
        Uri.TryCreate(uri, UriKind.Absolute, out var redirect) && redirect.IsLoopback && redirect.Scheme is ("http" or "https");

    private static string? Refusal(Dictionary<string, string> request) =>
        request["response_type"] != "code" ? "response_type must be code"
        : request["client_id"].Length == 0 ? "client_id is required"
        : !IsLoopbackRedirect(request["redirect_uri"]) ? "redirect_uri must be an http(s) address on this machine"
        : request["code_challenge"].Length < 43 || request["code_challenge_method"] != "S256"
            ? "PKCE is required: send code_challenge with code_challenge_method=S256"
        : null;

    private static string Page(string title, string body) => new StringBuilder()
        .Append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\">")
        .Append("<title>").Append(WebUtility.HtmlEncode(title)).Append("</title>")
        .Append("<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem}ul{list-style:none;padding:0}")
        .Append("li{margin:.6rem 0}button{font:inherit;padding:.4rem .8rem;margin-right:.5rem;cursor:pointer}</style></head><body>")
        .Append("<h1>").Append(WebUtility.HtmlEncode(title)).Append("</h1>").Append(body).Append("</body></html>")
        .ToString();
}
