using System.Text.Json.Nodes;
using AeroGrid.AppHost.Publish;

namespace AeroGrid.AppHost.Auth0;

/// <summary>
/// AeroGrid's identity as Auth0 objects, from the publish settings: the API, the roles, an Organization per tenant, the
/// Portal's and the Operator's applications, the Operator's grant, and the tenant setting that puts <c>org_name</c> in tokens.
/// </summary>
internal static class IdentityObjects
{
    /// <summary>Applications listed per request while looking one up by name (Auth0 allows at most 100).</summary>
    private const int PageSize = 100;

    /// <summary>The Portal's OpenID Connect callback: AeroGrid.Portal's <c>SignInExtensions.CallbackPath</c>.</summary>
    public static string PortalCallback(PublishSettings settings) => $"https://{settings.Domain}/signin-callback";

    /// <summary>Where the Portal returns after signing out at Auth0: its home page.</summary>
    public static string PortalHome(PublishSettings settings) => $"https://{settings.Domain}/";

    /// <summary>The roles a tenant's members get, as the dev issuer's people have them locally (AeroGrid.ControlPlane's <c>DevUser</c>).</summary>
    public static IReadOnlyList<(string Name, string Description, string[] Permissions)> Roles { get; } =
    [
        ("developer", "Edits and runs a tenant's apps", [ApiPermissions.AppsRead, ApiPermissions.AppsWrite, ApiPermissions.AppsInvoke]),
        ("viewer", "Looks at a tenant's apps and calls them, cannot change them", [ApiPermissions.AppsRead, ApiPermissions.AppsInvoke]),
    ];

    /// <summary>What the Operator's machine-to-machine client is granted on the API: the platform identity.</summary>
    public static string[] OperatorScopes { get; } = [ApiPermissions.PlatformAdmin];

    /// <summary>
    /// Organization names in the Authentication API: Auth0 then puts <c>org_name</c> next to <c>org_id</c> in tokens, which
    /// is the tenant claim (<c>auth0.tenantClaim</c>) that the services and Istio read.
    /// </summary>
    public static Auth0Object TenantSettings() => new("tenant setting", "allow_organization_name_in_authentication_api", new JsonObject
    {
        ["allow_organization_name_in_authentication_api"] = true,
    })
    {
        FindAsync = async (auth0, ct) => await auth0.GetAsync("tenants/settings", ct) as JsonObject,
        UpdatePath = _ => "tenants/settings",
    };

    public static Auth0Object Api(PublishSettings settings) => new("API", settings.Auth0.Audience, new JsonObject
    {
        ["name"] = settings.Auth0.ApiName,
        ["identifier"] = settings.Auth0.Audience,
        ["signing_alg"] = "RS256",
        // RBAC on, and the permissions of the caller's roles (or grant) in the access token's `permissions` claim.
        ["enforce_policies"] = true,
        ["token_dialect"] = "access_token_authz",
        ["scopes"] = new JsonArray([.. ApiPermissions.All.Select(p => new JsonObject { ["value"] = p.Value, ["description"] = p.Description })]),
    })
    {
        // Auth0 reads an API by its id or by its identifier (the audience).
        FindAsync = async (auth0, ct) => await auth0.GetAsync($"resource-servers/{Uri.EscapeDataString(settings.Auth0.Audience)}", ct) as JsonObject,
        CreatePath = "resource-servers",
        UpdatePath = current => $"resource-servers/{Uri.EscapeDataString((string)current["id"]!)}",
        CreateOnly = ["identifier"],
    };

    public static Auth0Object Role(string name, string description) => new("role", name, new JsonObject
    {
        ["name"] = name,
        ["description"] = description,
    })
    {
        FindAsync = async (auth0, ct) => Items(await auth0.GetAsync($"roles?name_filter={Uri.EscapeDataString(name)}&per_page=100", ct), "roles")
            .FirstOrDefault(role => (string?)role["name"] == name),
        CreatePath = "roles",
        UpdatePath = current => $"roles/{Uri.EscapeDataString((string)current["id"]!)}",
    };

    public static Auth0Object Organization(string tenant) => new("organization", tenant, new JsonObject
    {
        ["name"] = tenant,
        ["display_name"] = tenant,
    })
    {
        FindAsync = async (auth0, ct) => await auth0.GetAsync($"organizations/name/{Uri.EscapeDataString(tenant)}", ct) as JsonObject,
        CreatePath = "organizations",
        UpdatePath = current => $"organizations/{Uri.EscapeDataString((string)current["id"]!)}",
        CreateOnly = ["name"],
    };

    /// <summary>
    /// A regular web application: the authorization code flow (the Portal adds PKCE), its secret posted to the token
    /// endpoint, and a person always signs in to an Organization, chosen on Auth0's login page before signing in.
    /// </summary>
    public static Auth0Object PortalApplication(PublishSettings settings) => Application(settings.Auth0.PortalApplication, new JsonObject
    {
        ["name"] = settings.Auth0.PortalApplication,
        ["description"] = $"The AeroGrid Portal at https://{settings.Domain}/",
        ["app_type"] = "regular_web",
        ["is_first_party"] = true,
        ["oidc_conformant"] = true,
        ["grant_types"] = new JsonArray("authorization_code"),
        ["token_endpoint_auth_method"] = "client_secret_post",
        ["callbacks"] = new JsonArray(PortalCallback(settings)),
        ["allowed_logout_urls"] = new JsonArray(PortalHome(settings)),
        ["organization_usage"] = "require",
        ["organization_require_behavior"] = "pre_login_prompt",
        ["jwt_configuration"] = new JsonObject { ["alg"] = "RS256" },
    });

    public static Auth0Object OperatorApplication(PublishSettings settings) => Application(settings.Auth0.OperatorApplication, new JsonObject
    {
        ["name"] = settings.Auth0.OperatorApplication,
        ["description"] = "The AeroGrid Operator: the platform's own identity for the API",
        ["app_type"] = "non_interactive",
        ["is_first_party"] = true,
        ["oidc_conformant"] = true,
        ["grant_types"] = new JsonArray("client_credentials"),
        ["token_endpoint_auth_method"] = "client_secret_post",
        ["jwt_configuration"] = new JsonObject { ["alg"] = "RS256" },
    });

    public static Auth0Object OperatorGrant(PublishSettings settings, string clientId) =>
        new("client grant", $"{settings.Auth0.OperatorApplication} on {settings.Auth0.Audience}", new JsonObject
        {
            ["client_id"] = clientId,
            ["audience"] = settings.Auth0.Audience,
            ["scope"] = new JsonArray([.. OperatorScopes.Select(s => (JsonNode)s)]),
        })
        {
            FindAsync = async (auth0, ct) => Items(await auth0.GetAsync(
                $"client-grants?audience={Uri.EscapeDataString(settings.Auth0.Audience)}&client_id={Uri.EscapeDataString(clientId)}", ct), "client_grants")
                .FirstOrDefault(),
            CreatePath = "client-grants",
            UpdatePath = current => $"client-grants/{Uri.EscapeDataString((string)current["id"]!)}",
            CreateOnly = ["client_id", "audience"],
        };

    /// <summary>
    /// An application, found by its name (Auth0's only key besides the client id it assigns), reading only the fields
    /// AeroGrid sets: the list would otherwise carry every application's client secret.
    /// </summary>
    private static Auth0Object Application(string name, JsonObject desired) => new("application", name, desired)
    {
        FindAsync = async (auth0, ct) =>
        {
            var fields = string.Join(',', desired.Select(field => field.Key).Prepend("client_id"));
            for (var page = 0; ; page++)
            {
                var clients = Items(await auth0.GetAsync($"clients?fields={fields}&include_fields=true&per_page={PageSize}&page={page}", ct), "clients").ToList();
                if (clients.FirstOrDefault(client => (string?)client["name"] == name) is { } found)
                {
                    return found;
                }
                if (clients.Count < PageSize)
                {
                    return null;
                }
            }
        },
        CreatePath = "clients",
        UpdatePath = current => $"clients/{Uri.EscapeDataString((string)current["client_id"]!)}",
    };

    /// <summary>A list answer: a bare array, or with <c>include_totals</c> an object holding it under <paramref name="name"/>.</summary>
    private static IEnumerable<JsonObject> Items(JsonNode? answer, string name) =>
        (answer as JsonArray ?? answer?[name] as JsonArray ?? []).OfType<JsonObject>();
}
