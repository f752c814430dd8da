using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;

namespace AeroGrid.Gateway.Access;

/// <summary>
/// Answers a refused caller with the gateway's JSON error and the reason <see cref="AppInvokeHandler"/> gave; a missing or
/// invalid token still goes to the JWT bearer challenge (401 with <c>WWW-Authenticate</c>).
/// </summary>
internal sealed class GatewayAuthorizationResultHandler : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (!authorizeResult.Forbidden)
        {
            return _default.HandleAsync(next, context, policy, authorizeResult);
        }
        var reason = authorizeResult.AuthorizationFailure?.FailureReasons.FirstOrDefault()?.Message
            ?? "The token does not allow this request.";
        return GatewayError.Forbidden(reason).WriteAsync(context);
    }
}
