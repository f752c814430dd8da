using AeroGrid.Gateway.Routing;
using AeroGrid.ServiceDefaults.Authentication;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Yarp.ReverseProxy.Transforms;
using Yarp.ReverseProxy.Transforms.Builder;

namespace AeroGrid.Gateway.Forwarding;

/// <summary>
/// What an app route does to a request on its way, as the Istio ingress does in a cluster: the app sees its own paths
/// (<c>/apps/{tenant}/{app}/x</c> becomes <c>/x</c>, the query kept), never the token, and the caller's identity and
/// the original URL in headers it can trust.
/// </summary>
internal sealed class AppTransformProvider(IOptions<AeroGridAuthOptions> auth) : ITransformProvider
{
    public void ValidateRoute(TransformRouteValidationContext context)
    {
    }

    public void ValidateCluster(TransformClusterValidationContext context)
    {
    }

    public void Apply(TransformBuilderContext context)
    {
        if (context.Route is null || AppTarget.Of(context.Route) is not { } target)
        {
            return;
        }
        context.AddPathRouteValues("/{**rest}");

        // The gateway is the edge: what a client claims in X-Forwarded-* is replaced, not appended to.
        context.UseDefaultForwarders = false;
        context.AddXForwardedFor(action: ForwardedTransformActions.Set);
        context.AddXForwardedProto(action: ForwardedTransformActions.Set);
        context.AddXForwardedHost(action: ForwardedTransformActions.Set);
        // Not the request's PathBase (YARP's X-Forwarded-Prefix): the stripped app prefix, so the app can build its own URLs.
        context.AddRequestHeader("X-Forwarded-Prefix", target.Prefix, append: false);

        context.AddRequestHeaderRemove(HeaderNames.Authorization);
        var tenantClaim = auth.Value.TenantClaim;
        context.AddRequestTransform(transform =>
        {
            IdentityHeaders.Set(transform.ProxyRequest, CallerIdentity.From(transform.HttpContext.User, tenantClaim));
            return ValueTask.CompletedTask;
        });
    }
}
