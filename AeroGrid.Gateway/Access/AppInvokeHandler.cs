using AeroGrid.Gateway.Routing;
using AeroGrid.ServiceDefaults.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

namespace AeroGrid.Gateway.Access;

/// <summary>
/// Checks <see cref="AppInvokeRequirement"/> against the validated token. A refusal carries a sentence for the caller,
/// which <see cref="GatewayAuthorizationResultHandler"/> puts in the 403 body.
/// </summary>
internal sealed class AppInvokeHandler(IOptions<AeroGridAuthOptions> auth, ILogger<AppInvokeHandler> logger)
    : AuthorizationHandler<AppInvokeRequirement, HttpContext>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, AppInvokeRequirement requirement, HttpContext resource)
    {
        if (AppTarget.Of(resource) is not { } target || context.User.Identity?.IsAuthenticated != true)
        {
            return Task.CompletedTask;
        }
        var caller = CallerIdentity.From(context.User, auth.Value.TenantClaim);
        if (caller.Can(Permissions.AppsInvoke, target.Tenant))
        {
            context.Succeed(requirement);
            return Task.CompletedTask;
        }
        var reason = caller.Tenant != target.Tenant
            ? $"The token is not for tenant {target.Tenant}, so it may not invoke its apps."
            : $"The token lacks the {Permissions.AppsInvoke} permission needed to invoke apps.";
        GatewayLog.Forbidden(logger, caller.Subject, target.Tenant, target.App, reason);
        context.Fail(new AuthorizationFailureReason(this, reason));
        return Task.CompletedTask;
    }
}
