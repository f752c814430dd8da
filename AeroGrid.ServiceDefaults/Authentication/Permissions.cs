namespace AeroGrid.ServiceDefaults.Authentication;

/// <summary>The permissions an access token carries (Auth0 RBAC puts them in the <c>permissions</c> claim).</summary>
public static class Permissions
{
    public const string AppsRead = "apps:read";
    public const string AppsWrite = "apps:write";
    public const string AppsInvoke = "apps:invoke";

    /// <summary>The platform's own components: every tenant, every verb, cluster-wide lists.</summary>
    public const string PlatformAdmin = "platform:admin";
}
