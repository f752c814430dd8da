using AeroGrid.Api.Resources.Istio;

namespace AeroGrid.Tests.Infrastructure.Cluster;

/// <summary>
/// Where an Istio gateway sends a request by a VirtualService's HTTP routes, for the fields the Operator writes, as
/// Istio documents them: routes are tried in order and a route is taken when any of its matches holds; a URI match
/// looks at the path only (not the query); <c>exact</c> is the whole path, <c>prefix</c> its start; a rewrite replaces
/// the matched prefix (for an exact match, the whole path) and the query travels on unchanged.
/// </summary>
internal static class IstioRoutingDouble
{
    /// <summary>The destination host and port and the path and query it receives, or null when no route matches.</summary>
    public static (string Host, int Port, string PathAndQuery)? Route(VirtualService service, string pathAndQuery)
    {
        var (path, query) = pathAndQuery.IndexOf('?', StringComparison.Ordinal) is var at and >= 0
            ? (pathAndQuery[..at], pathAndQuery[at..])
            : (pathAndQuery, "");
        foreach (var route in service.Spec.Http ?? [])
        {
            foreach (var match in route.Match ?? [])
            {
                var matched = match.Uri switch
                {
                    { Exact: { } exact } when path == exact => exact,
                    { Prefix: { } prefix } when path.StartsWith(prefix, StringComparison.Ordinal) => prefix,
                    _ => null,
                };
                if (matched is null)
                {
                    continue;
                }
                var rewritten = route.Rewrite?.Uri is { } uri ? uri + path[matched.Length..] : path;
                var destination = route.Route![0].Destination;
                return (destination.Host, destination.Port?.Number ?? 80, rewritten + query);
            }
        }
        return null;
    }
}
