using AeroGrid.Api.Resources;
using AeroGrid.ServiceDefaults.Authentication;

namespace AeroGrid.ControlPlane.Api;

/// <summary>
/// Who may do what: a tenant's token reaches only its own namespace, <c>apps:read</c> allows reading,
/// <c>apps:write</c> changing; cluster-wide lists, tenant management and the Kubernetes kinds of the cluster backend
/// need <c>platform:admin</c>.
/// </summary>
internal static class ApiAuthorization
{
    private static readonly HashSet<string> ReadVerbs = ["get", "list", "watch"];

    /// <exception cref="ApiError">403 when the caller may not.</exception>
    public static void Demand(HttpContext http, ResourceDefinition definition, string verb, string? @namespace, string? name = null)
    {
        var caller = http.GetCaller();
        if (caller.IsPlatformAdmin)
        {
            return;
        }
        var permission = ReadVerbs.Contains(verb) ? Permissions.AppsRead : Permissions.AppsWrite;
        var allowed = definition == ResourceDefinitions.Namespace
            // A tenant may read its own namespace, nothing more.
            ? verb == "get" && name is not null && caller.Can(permission, name)
            // The workloads made of a tenant's apps (and their Secrets) are the platform's: a tenant works through its Apps.
            : definition.Group == AeroGridApi.Group && @namespace is not null && caller.Can(permission, @namespace);
        if (!allowed)
        {
            throw ApiError.Forbidden(definition, caller.Subject, verb, definition.Namespaced ? @namespace : null);
        }
    }
}
