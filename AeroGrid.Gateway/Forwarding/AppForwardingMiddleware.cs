using AeroGrid.Api.Client;
using AeroGrid.Api.Resources;
using AeroGrid.Gateway.Routing;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Model;

namespace AeroGrid.Gateway.Forwarding;

/// <summary>
/// The gateway's step of YARP's pipeline, after the caller is authorized: 503 when the app has no ready process,
/// unbuffered responses so server-sent events arrive as they are written, and 502 when the app cannot be reached.
/// </summary>
internal sealed class AppForwardingMiddleware(
    RequestDelegate next, Informer<App> apps, IOptions<GatewayOptions> options, ILogger<AppForwardingMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext http)
    {
        var proxy = http.GetReverseProxyFeature();
        var target = AppTarget.Of(proxy.Route.Config)!;
        if (proxy.AvailableDestinations.Count == 0)
        {
            var phase = apps.TryGet(target.Tenant, target.App)?.Status?.Phase?.ToString() ?? nameof(AppPhase.Pending);
            GatewayLog.NoEndpoints(logger, target.Tenant, target.App, phase);
            await GatewayError.Unavailable(target, phase).WriteAsync(http, options.Value.RetryAfter);
            return;
        }

        http.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        await next(http);

        if (http.Features.Get<IForwarderErrorFeature>() is { } failure && IsUpstreamFailure(failure.Error))
        {
            var destination = proxy.ProxiedDestination?.Model.Config.Address ?? "?";
            GatewayLog.UpstreamFailed(logger, target.Tenant, target.App, destination, failure.Error.ToString(), failure.Exception);
            // Once the response started (a stream cut mid-way) its status is sent; the client sees the connection end.
            if (!http.Response.HasStarted)
            {
                await GatewayError.BadGateway(target, failure.Error == ForwarderError.RequestTimedOut).WriteAsync(http);
            }
        }
    }

    /// <summary>The app failed, not the client: it refused the connection, did not answer in time, or broke off.</summary>
    private static bool IsUpstreamFailure(ForwarderError error) => error is
        ForwarderError.Request or ForwarderError.RequestTimedOut or ForwarderError.RequestBodyDestination
        or ForwarderError.ResponseBodyDestination or ForwarderError.UpgradeRequestDestination or ForwarderError.UpgradeResponseDestination;
}
