using System.Text.Json.Nodes;

namespace AeroGrid.AppHost.Auth0;

/// <summary>
/// A role's permissions on AeroGrid's API, made exactly the ones given: missing ones added, others of this API removed
/// (permissions on other APIs are not AeroGrid's and stay).
/// </summary>
internal static class RolePermissions
{
    /// <summary>True when anything had to change.</summary>
    public static async Task<bool> EnsureAsync(ManagementApiClient auth0, string roleId, string audience, IReadOnlyCollection<string> permissions, CancellationToken cancellationToken)
    {
        var path = $"roles/{Uri.EscapeDataString(roleId)}/permissions";
        var current = (await auth0.GetAsync($"{path}?per_page=100", cancellationToken) as JsonArray ?? [])
            .OfType<JsonObject>()
            .Where(p => (string?)p["resource_server_identifier"] == audience)
            .Select(p => (string?)p["permission_name"] ?? "")
            .ToHashSet(StringComparer.Ordinal);
        var missing = permissions.Where(p => !current.Contains(p)).ToList();
        var extra = current.Where(p => !permissions.Contains(p)).Order(StringComparer.Ordinal).ToList();
        if (missing.Count > 0)
        {
            await auth0.PostAsync(path, Body(audience, missing), cancellationToken);
        }
        if (extra.Count > 0)
        {
            await auth0.DeleteAsync(path, Body(audience, extra), cancellationToken);
        }
        return missing.Count > 0 || extra.Count > 0;
    }

    private static JsonObject Body(string audience, IEnumerable<string> permissions) => new()
    {
        ["permissions"] = new JsonArray([.. permissions.Select(p => new JsonObject { ["resource_server_identifier"] = audience, ["permission_name"] = p })]),
    };
}
