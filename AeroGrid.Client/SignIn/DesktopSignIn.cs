using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Serialization;
using System.Web;

namespace AeroGrid.Client.SignIn;

/// <summary>
/// Sign-in for a desktop app: the OAuth authorization code flow with PKCE (S256, RFC 7636) on a loopback redirect
/// (<c>http://127.0.0.1:{random port}/callback</c>, RFC 8252), against any issuer's discovery document: Auth0 or the
/// AeroGrid dev issuer.
/// </summary>
/// <remarks>
/// Hand-written because the OIDC client libraries in the registry target web servers (the ASP.NET Core handler) or
/// bring their own browser integration; the flow itself is three requests.
/// </remarks>
public sealed class DesktopSignIn(HttpClient http, TimeProvider? time = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <summary>
    /// Signs someone in: opens the issuer's authorization page through <paramref name="openBrowser"/>, waits for the
    /// browser to come back to the loopback redirect, and exchanges the code for tokens.
    /// </summary>
    /// <param name="issuer">The issuer, e.g. <c>https://tenant.auth0.com/</c> or <c>http://127.0.0.1:7440/dev-issuer/</c>.</param>
    /// <param name="clientId">The desktop app's (public) client id.</param>
    /// <param name="openBrowser">Opens a URL in the person's browser; tests drive the page themselves.</param>
    /// <param name="audience">The API the access token is for (Auth0's <c>audience</c>); none when null.</param>
    /// <param name="cancellationToken">Stops waiting for the browser.</param>
    /// <returns>The tokens; they refresh themselves when a refresh token was issued (scope <c>offline_access</c>).</returns>
    /// <exception cref="SignInException">The issuer or the person refused.</exception>
    public async Task<TokenSource> SignInAsync(Uri issuer, string clientId, Func<Uri, CancellationToken, Task> openBrowser,
        string? audience = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(issuer);
        ArgumentNullException.ThrowIfNull(openBrowser);
        var discovery = await http.GetFromJsonAsync<Discovery>(new Uri(issuer, ".well-known/openid-configuration"), cancellationToken).ConfigureAwait(false)
            ?? throw new SignInException("the issuer has no discovery document");
        var verifier = Base64Url(RandomNumberGenerator.GetBytes(32));
        var challenge = Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
        var state = Base64Url(RandomNumberGenerator.GetBytes(16));
        var redirect = $"http://127.0.0.1:{FreeLoopbackPort()}/callback";
        using var listener = new HttpListener();
        listener.Prefixes.Add(redirect + "/");
        listener.Start();

        var query = HttpUtility.ParseQueryString("");
        query["response_type"] = "code";
        query["client_id"] = clientId;
        query["redirect_uri"] = redirect;
        query["scope"] = "openid profile offline_access";
        query["state"] = state;
        query["code_challenge"] = challenge;
        query["code_challenge_method"] = "S256";
        if (audience is not null)
        {
            query["audience"] = audience;
        }
        var callback = listener.GetContextAsync();
        // Not awaited before the callback: an opener may only return once the browser has its answer, which comes from us.
        var opened = openBrowser(new Uri($"{discovery.AuthorizationEndpoint}?{query}"), cancellationToken);
        if (await Task.WhenAny(opened, callback).WaitAsync(cancellationToken).ConfigureAwait(false) == opened)
        {
            await opened.ConfigureAwait(false); // a failed opener ends the sign-in
        }
        var context = await callback.WaitAsync(cancellationToken).ConfigureAwait(false);
        var answer = context.Request.QueryString;
        var refusal = answer["error"] is { } error ? $"{error}: {answer["error_description"]}"
            : answer["state"] != state ? "the redirect's state does not match this sign-in"
            : answer["code"] is null ? "the redirect carries no code"
            : null;
        await RespondAsync(context.Response, refusal is null ? "Signed in. You can close this window." : $"Sign-in failed: {refusal}").ConfigureAwait(false);
        await opened.ConfigureAwait(false);
        if (refusal is not null)
        {
            throw new SignInException(refusal);
        }
        var tokens = await TokenSource.RequestAsync(http, new Uri(discovery.TokenEndpoint), new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["client_id"] = clientId,
            ["code"] = answer["code"]!,
            ["redirect_uri"] = redirect,
            ["code_verifier"] = verifier,
        }, cancellationToken).ConfigureAwait(false);
        return new TokenSource(http, new Uri(discovery.TokenEndpoint), clientId, tokens, _time);
    }

    private static async Task RespondAsync(HttpListenerResponse response, string message)
    {
        var body = Encoding.UTF8.GetBytes($"<!doctype html><title>AeroGrid</title><p>{WebUtility.HtmlEncode(message)}</p>");
        response.ContentType = "text/html; charset=utf-8";
        response.ContentLength64 = body.Length;
        await response.OutputStream.WriteAsync(body).ConfigureAwait(false);
        response.Close();
    }

    private static int FreeLoopbackPort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private sealed record Discovery(
        [property: JsonPropertyName("authorization_endpoint")] string AuthorizationEndpoint,
        [property: JsonPropertyName("token_endpoint")] string TokenEndpoint);
}
