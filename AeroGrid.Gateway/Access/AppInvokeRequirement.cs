using Microsoft.AspNetCore.Authorization;

namespace AeroGrid.Gateway.Access;

/// <summary>The caller may invoke the app the request is for: <c>apps:invoke</c> in the app's tenant, or <c>platform:admin</c>.</summary>
internal sealed class AppInvokeRequirement : IAuthorizationRequirement
{
    /// <summary>The policy every app route and the catch-all for unknown apps require.</summary>
    public const string PolicyName = "aerogrid-app-invoke";
}
