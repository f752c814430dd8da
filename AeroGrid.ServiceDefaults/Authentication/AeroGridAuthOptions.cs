namespace AeroGrid.ServiceDefaults.Authentication;

/// <summary>How a service validates access tokens. Bound from the <c>Auth</c> configuration section.</summary>
public sealed class AeroGridAuthOptions
{
    public const string SectionName = "Auth";

    /// <summary>The issuer, e.g. <c>https://acme.eu.auth0.com/</c>; discovery and JWKS are read from it.</summary>
    public string Authority { get; set; } = "";

    /// <summary>The API identifier tokens must be issued for.</summary>
    public string Audience { get; set; } = "https://api.aerogrid.io";

    /// <summary>
    /// The one claim naming the caller's tenant (namespace). In a cluster Auth0's <c>org_name</c>: provisioning names an
    /// Organization after each tenant and turns on Organization names in tokens; or a namespaced custom claim an Action
    /// adds. Locally the dev issuer's namespaced claim, the default. One claim, never a fallback to a second: Istio's
    /// tenant policies read the same one claim, so the cluster and the services cannot disagree on whose token it is.
    /// </summary>
    public string TenantClaim { get; set; } = "https://aerogrid.io/tenant";

    /// <summary>Allowed clock difference when checking <c>exp</c> and <c>nbf</c>.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Only a loopback issuer may be read over plain HTTP (the local dev issuer).</summary>
    public bool RequireHttpsMetadata => !IsLoopback(Authority);

    private static bool IsLoopback(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.IsLoopback;
}
