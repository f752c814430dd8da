namespace AeroGrid.AppHost.Auth0;

/// <summary>
/// The permissions of AeroGrid's API, as the services' token validation knows them (AeroGrid.ServiceDefaults'
/// <c>Permissions</c>, which the AppHost does not reference): the API's scopes in Auth0, its roles' permissions, and what
/// Istio's tenant policies require.
/// </summary>
internal static class ApiPermissions
{
    public const string AppsRead = "apps:read";
    public const string AppsWrite = "apps:write";
    public const string AppsInvoke = "apps:invoke";
    public const string PlatformAdmin = "platform:admin";

    /// <summary>Each permission with the description Auth0 shows for it.</summary>
    public static IReadOnlyList<(string Value, string Description)> All { get; } =
    [
        (AppsRead, "Read a tenant's apps, images, revisions and logs"),
        (AppsWrite, "Create, change and delete a tenant's apps"),
        (AppsInvoke, "Call a tenant's apps through the gateway"),
        (PlatformAdmin, "The platform's own components: every tenant"),
    ];
}
