using AeroGrid.ServiceDefaults.Authentication;

namespace AeroGrid.Gateway.Forwarding;

/// <summary>
/// The caller's identity as an app receives it, in place of the token: the gateway validated the token, the app trusts
/// these headers because only the gateway can reach it. Istio's <c>outputClaimToHeaders</c> does the same in a cluster.
/// </summary>
internal static class IdentityHeaders
{
    /// <summary>Every header with this prefix is the platform's to set; a client's own are dropped.</summary>
    public const string Prefix = "X-AeroGrid-";

    public const string Tenant = Prefix + "Tenant";
    public const string Subject = Prefix + "Subject";

    /// <summary>The token's permissions, space separated like an OAuth scope.</summary>
    public const string Permissions = Prefix + "Permissions";

    /// <summary>Replaces any <c>X-AeroGrid-*</c> header of the request with the caller's identity.</summary>
    public static void Set(HttpRequestMessage request, CallerIdentity caller)
    {
        foreach (var name in request.Headers.Select(h => h.Key).Where(IsPlatformHeader).ToList())
        {
            request.Headers.Remove(name);
        }
        if (caller.Tenant is { } tenant)
        {
            request.Headers.Add(Tenant, tenant);
        }
        request.Headers.Add(Subject, caller.Subject);
        request.Headers.Add(Permissions, string.Join(' ', caller.Permissions.Order(StringComparer.Ordinal)));
    }

    private static bool IsPlatformHeader(string name) => name.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase);
}
