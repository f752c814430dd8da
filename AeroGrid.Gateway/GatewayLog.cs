namespace AeroGrid.Gateway;

/// <summary>The gateway's log messages, each naming the app it is about; event ids 2000-2099 belong to the gateway.</summary>
internal static partial class GatewayLog
{
    [LoggerMessage(2000, LogLevel.Information, "Route /apps/{Tenant}/{App} forwards to [{Endpoints}]")]
    public static partial void RouteChanged(ILogger logger, string tenant, string app, string endpoints);

    [LoggerMessage(2001, LogLevel.Information, "Route /apps/{Tenant}/{App} removed: the app was deleted")]
    public static partial void RouteRemoved(ILogger logger, string tenant, string app);

    [LoggerMessage(2002, LogLevel.Information, "Refused {Subject} access to {Tenant}/{App}: {Reason}")]
    public static partial void Forbidden(ILogger logger, string subject, string tenant, string app, string reason);

    [LoggerMessage(2003, LogLevel.Information, "{Tenant}/{App} has no ready process (phase {Phase}); answered 503")]
    public static partial void NoEndpoints(ILogger logger, string tenant, string app, string phase);

    [LoggerMessage(2004, LogLevel.Warning, "Forwarding to {Tenant}/{App} at {Destination} failed: {Error}")]
    public static partial void UpstreamFailed(ILogger logger, string tenant, string app, string destination, string error, Exception? exception);
}
