using System.Security.Claims;

namespace AeroGrid.ServiceDefaults.Authentication;

/// <summary>Who is calling, read from a validated token: subject, tenant and permissions.</summary>
public sealed record CallerIdentity(string Subject, string? Tenant, IReadOnlySet<string> Permissions)
{
    public bool IsPlatformAdmin => Permissions.Contains(Authentication.Permissions.PlatformAdmin);

    /// <summary>True when the caller may use <paramref name="permission"/> in <paramref name="namespace"/>.</summary>
    public bool Can(string permission, string @namespace) =>
        IsPlatformAdmin || (Tenant == @namespace && Permissions.Contains(permission));

    public static CallerIdentity From(ClaimsPrincipal principal, string tenantClaim)
    {
        var permissions = new HashSet<string>(StringComparer.Ordinal);
        foreach (var claim in principal.FindAll("permissions"))
        {
            permissions.Add(claim.Value);
        }
        // OAuth scopes count as permissions too, so a client-credentials token with "scope" works the same.
        foreach (var claim in principal.FindAll("scope"))
        {
            permissions.UnionWith(claim.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        }
        var subject = principal.FindFirst("sub")?.Value ?? principal.FindFirst(ClaimTypes.NameIdentifier)?.Value ?? "";
        return new(subject, principal.FindFirst(tenantClaim)?.Value, permissions);
    }
}
