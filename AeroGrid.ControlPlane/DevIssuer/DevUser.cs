namespace AeroGrid.ControlPlane.DevIssuer;

/// <summary>Someone to sign in as on the dev issuer's page: a subject in a tenant with some permissions.</summary>
internal sealed record DevUser(string Subject, string Tenant, string Permissions, string Description)
{
    /// <summary>For each tenant: a developer who may change apps and a viewer who may only look and call them.</summary>
    public static IReadOnlyList<DevUser> For(IEnumerable<string> tenants) =>
    [
        .. tenants.SelectMany(tenant => new DevUser[]
        {
            new($"dev@{tenant}", tenant, "apps:read apps:write apps:invoke", "edits and runs apps"),
            new($"viewer@{tenant}", tenant, "apps:read apps:invoke", "looks, cannot change"),
        }),
    ];
}
