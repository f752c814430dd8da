using System.Globalization;
using System.Text.Json.Serialization;
using AeroGrid.Gateway.Routing;

namespace AeroGrid.Gateway;

/// <summary>
/// What the gateway answers when it does not forward: a status code and a JSON body
/// <c>{"error": "...", "message": "..."}</c> whose message says in one sentence what happened.
/// </summary>
internal sealed record GatewayError([property: JsonIgnore] int Status, string Error, string Message)
{
    public static GatewayError Unauthorized(string reason) =>
        new(StatusCodes.Status401Unauthorized, "unauthorized", $"The request was not authenticated: {reason}.");

    public static GatewayError Forbidden(string reason) => new(StatusCodes.Status403Forbidden, "forbidden", reason);

    public static GatewayError NotFound(AppTarget target) =>
        new(StatusCodes.Status404NotFound, "not_found", $"There is no app {target.App} in tenant {target.Tenant}.");

    public static GatewayError Unavailable(AppTarget target, string phase) =>
        new(StatusCodes.Status503ServiceUnavailable, "unavailable",
            $"The app {target.Id} has no ready process to serve the request (it is {phase}); try again shortly.");

    public static GatewayError BadGateway(AppTarget target, bool timedOut) =>
        new(StatusCodes.Status502BadGateway, "bad_gateway", timedOut
            ? $"The app {target.Id} did not answer in time."
            : $"The app {target.Id} could not be reached.");

    public Task WriteAsync(HttpContext http, TimeSpan? retryAfter = null)
    {
        http.Response.StatusCode = Status;
        if (retryAfter is { } delay)
        {
            http.Response.Headers.RetryAfter = ((int)Math.Ceiling(delay.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }
        return http.Response.WriteAsJsonAsync(this);
    }
}
