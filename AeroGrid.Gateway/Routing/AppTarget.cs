using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Model;

namespace AeroGrid.Gateway.Routing;

/// <summary>The app a request is for: its tenant (namespace) and name, as in <c>/apps/{tenant}/{app}</c>.</summary>
internal sealed record AppTarget(string Tenant, string App)
{
    private const string TenantKey = "aerogrid.io/tenant";
    private const string AppKey = "aerogrid.io/app";

    /// <summary>The path every request for the app starts with; what the gateway strips and passes as <c>X-Forwarded-Prefix</c>.</summary>
    public string Prefix => $"/apps/{Tenant}/{App}";

    /// <summary>The id of the app's route and of its cluster.</summary>
    public string Id => $"{Tenant}/{App}";

    /// <summary>Route metadata naming this app, read back by <see cref="Of(RouteConfig)"/>.</summary>
    public Dictionary<string, string> ToMetadata() => new(StringComparer.Ordinal) { [TenantKey] = Tenant, [AppKey] = App };

    /// <summary>The app of a route this gateway made, or null for any other route.</summary>
    public static AppTarget? Of(RouteConfig route) =>
        route.Metadata is { } metadata && metadata.TryGetValue(TenantKey, out var tenant) && metadata.TryGetValue(AppKey, out var app)
            ? new AppTarget(tenant, app)
            : null;

    /// <summary>
    /// The app the request is for: from the matched app route, or from the path for the catch-all of unknown apps.
    /// </summary>
    /// <remarks>
    /// An app route's own tenant wins over the path's spelling because routing ignores case: <c>/apps/ACME/x</c> reaches
    /// acme's app, so it must be authorized as acme's. The catch-all lowercases for the same reason, so that an unknown app
    /// and a known one answer a caller alike and 403 versus 404 reveals nothing about another tenant.
    /// </remarks>
    public static AppTarget? Of(HttpContext http)
    {
        if (http.GetEndpoint()?.Metadata.GetMetadata<RouteModel>() is { } route)
        {
            return Of(route.Config);
        }
        var values = http.Request.RouteValues;
        return values["tenant"] is string tenant && values["app"] is string app
            ? new AppTarget(tenant.ToLowerInvariant(), app.ToLowerInvariant())
            : null;
    }
}
