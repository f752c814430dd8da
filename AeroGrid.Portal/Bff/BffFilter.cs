using System.Text.Json;
using AeroGrid.Api.Client;
using AeroGrid.Api.Meta;
using AeroGrid.Portal.Sessions;
using AeroGrid.ServiceDefaults.Authentication;
using k8s.Autorest;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace AeroGrid.Portal.Bff;

/// <summary>
/// In front of every <c>/bff</c> route: a live session is required, a request that changes something must carry the
/// CSRF header, and the API's refusals reach the browser as the API's own <see cref="Status"/>.
/// </summary>
/// <remarks>
/// Without a session the answer is 401, never the OpenID Connect handler's redirect to the issuer: these are the front
/// end's fetch calls, and it sends the person to <c>/signin</c> itself.
/// </remarks>
internal sealed class BffFilter(IOptions<AeroGridAuthOptions> auth) : IEndpointFilter
{
    /// <summary>
    /// A header a page of another site cannot send without a CORS preflight, which the Portal never allows; the
    /// SameSite=Lax cookie already stops cross-site POSTs in current browsers, this stops them in all.
    /// </summary>
    public const string CsrfHeader = "X-AeroGrid-Csrf";

    private const string SessionItem = "aerogrid.session";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var signedIn = await http.AuthenticateAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        if (!signedIn.Succeeded || signedIn.Properties.GetTokenValue(OpenIdConnectParameterNames.AccessToken) is not { } accessToken)
        {
            return BffResults.Status(401, "Unauthorized", "You are not signed in, or your session has ended. Sign in again.");
        }
        var session = new Session(accessToken, CallerIdentity.From(signedIn.Principal, auth.Value.TenantClaim));
        if (!HttpMethods.IsGet(http.Request.Method) && !HttpMethods.IsHead(http.Request.Method) && http.Request.Headers[CsrfHeader] != "1")
        {
            return BffResults.Status(400, "BadRequest", $"A request that changes something must send the header {CsrfHeader}: 1.");
        }
        http.Items[SessionItem] = session;
        try
        {
            return await next(context);
        }
        catch (HttpOperationException e)
        {
            return BffResults.Status(ApiErrors.StatusOf(e));
        }
        catch (JsonException e)
        {
            return BffResults.Status(400, "BadRequest", $"The request body is not valid JSON: {e.Message}");
        }
        catch (HttpRequestException) when (!http.RequestAborted.IsCancellationRequested)
        {
            return BffResults.Status(503, "ServiceUnavailable", "The AeroGrid API cannot be reached right now. Try again in a moment.");
        }
    }

    /// <summary>The session of a request that passed this filter.</summary>
    public static Session SessionOf(HttpContext http) => (Session)http.Items[SessionItem]!;
}
