using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace AeroGrid.Tests.AppHost.Auth0;

/// <summary>
/// The request bodies of the Management API v2 calls provisioning makes, as Auth0's reference documents them: which
/// fields exist, which are required, their JSON types and allowed values. A body outside its shape gets Auth0's
/// <c>Payload validation error</c>, so a field provisioning misspells or misplaces fails the test as it would fail in Auth0.
/// </summary>
internal sealed partial record Auth0RequestShape(IReadOnlyDictionary<string, JsonValueKind> Fields, IReadOnlyCollection<string> Required)
{
    public IReadOnlyDictionary<string, string[]> Values { get; init; } = new Dictionary<string, string[]>();

    /// <summary>Auth0's message for a body that does not fit, or null when it fits.</summary>
    public string? Refusal(JsonNode? body)
    {
        if (body is not JsonObject fields)
        {
            return "Payload validation error: 'Expected type object but found type null'.";
        }
        if (Required.FirstOrDefault(field => !fields.ContainsKey(field)) is { } missing)
        {
            return $"Payload validation error: 'Missing required property: {missing}'.";
        }
        if (Required.Count == 0 && fields.Count == 0)
        {
            return "Payload validation error: 'Too few properties defined (0), minimum 1'.";
        }
        foreach (var (name, value) in fields)
        {
            if (!Fields.TryGetValue(name, out var kind))
            {
                return $"Payload validation error: 'Additional properties not allowed: {name}'.";
            }
            var actual = value?.GetValueKind() ?? JsonValueKind.Null;
            if (actual != kind && !(kind == JsonValueKind.True && actual == JsonValueKind.False))
            {
                return $"Payload validation error: 'Expected type {Describe(kind)} but found type {Describe(actual)}' on property {name}.";
            }
            if (Values.TryGetValue(name, out var allowed) && (kind == JsonValueKind.Array ? value!.AsArray().Select(v => (string?)v) : [(string?)value])
                .FirstOrDefault(v => !allowed.Contains(v)) is { } invalid)
            {
                return $"Payload validation error: 'Invalid value \"{invalid}\" for property {name}' (allowed: {string.Join(", ", allowed)}).";
            }
        }
        return null;
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.True or JsonValueKind.False => "boolean",
        _ => kind.ToString().ToLowerInvariant(),
    };

    private const JsonValueKind Text = JsonValueKind.String;
    private const JsonValueKind Flag = JsonValueKind.True;
    private const JsonValueKind List = JsonValueKind.Array;
    private const JsonValueKind Map = JsonValueKind.Object;

    private static readonly Dictionary<string, JsonValueKind> ResourceServerFields = new()
    {
        ["name"] = Text, ["identifier"] = Text, ["scopes"] = List, ["signing_alg"] = Text, ["signing_secret"] = Text,
        ["allow_offline_access"] = Flag, ["token_lifetime"] = JsonValueKind.Number, ["token_dialect"] = Text,
        ["skip_consent_for_verifiable_first_party_clients"] = Flag, ["enforce_policies"] = Flag,
    };

    private static readonly Dictionary<string, string[]> ResourceServerValues = new()
    {
        ["signing_alg"] = ["HS256", "RS256", "PS256"],
        ["token_dialect"] = ["access_token", "access_token_authz", "rfc9068_profile", "rfc9068_profile_authz"],
    };

    /// <summary><c>POST /api/v2/resource-servers</c>.</summary>
    public static Auth0RequestShape CreateResourceServer { get; } = new(ResourceServerFields, ["identifier"]) { Values = ResourceServerValues };

    /// <summary><c>PATCH /api/v2/resource-servers/{id}</c>: the identifier cannot be changed once set.</summary>
    public static Auth0RequestShape UpdateResourceServer { get; } =
        new(ResourceServerFields.Where(f => f.Key != "identifier").ToDictionary(), []) { Values = ResourceServerValues };

    /// <summary><c>POST /api/v2/roles</c> and, with nothing required, <c>PATCH /api/v2/roles/{id}</c>.</summary>
    public static Auth0RequestShape CreateRole { get; } = new(new Dictionary<string, JsonValueKind> { ["name"] = Text, ["description"] = Text }, ["name"]);

    public static Auth0RequestShape UpdateRole { get; } = CreateRole with { Required = [] };

    /// <summary><c>POST</c> and <c>DELETE /api/v2/roles/{id}/permissions</c>.</summary>
    public static Auth0RequestShape RolePermissions { get; } = new(new Dictionary<string, JsonValueKind> { ["permissions"] = List }, ["permissions"]);

    /// <summary><c>POST /api/v2/organizations</c>; <c>PATCH</c> takes the same fields, none required.</summary>
    public static Auth0RequestShape CreateOrganization { get; } = new(new Dictionary<string, JsonValueKind>
    {
        ["name"] = Text, ["display_name"] = Text, ["branding"] = Map, ["metadata"] = Map, ["enabled_connections"] = List,
    }, ["name"]);

    public static Auth0RequestShape UpdateOrganization { get; } = CreateOrganization with { Required = [] };

    private static readonly Dictionary<string, JsonValueKind> ClientFields = new()
    {
        ["name"] = Text, ["description"] = Text, ["app_type"] = Text, ["is_first_party"] = Flag, ["oidc_conformant"] = Flag,
        ["callbacks"] = List, ["allowed_logout_urls"] = List, ["web_origins"] = List, ["allowed_origins"] = List, ["grant_types"] = List,
        ["token_endpoint_auth_method"] = Text, ["organization_usage"] = Text, ["organization_require_behavior"] = Text,
        ["jwt_configuration"] = Map, ["client_metadata"] = Map,
    };

    private static readonly Dictionary<string, string[]> ClientValues = new()
    {
        ["app_type"] = ["native", "spa", "regular_web", "non_interactive"],
        ["token_endpoint_auth_method"] = ["none", "client_secret_post", "client_secret_basic"],
        ["organization_usage"] = ["deny", "allow", "require"],
        ["organization_require_behavior"] = ["no_prompt", "pre_login_prompt", "post_login_prompt"],
        ["grant_types"] = ["authorization_code", "implicit", "refresh_token", "client_credentials", "password", "urn:ietf:params:oauth:grant-type:device_code"],
    };

    /// <summary><c>POST /api/v2/clients</c>; <c>PATCH /api/v2/clients/{id}</c> takes the same fields, none required.</summary>
    public static Auth0RequestShape CreateClient { get; } = new(ClientFields, ["name"]) { Values = ClientValues };

    public static Auth0RequestShape UpdateClient { get; } = CreateClient with { Required = [] };

    /// <summary><c>POST /api/v2/client-grants</c>.</summary>
    public static Auth0RequestShape CreateClientGrant { get; } = new(new Dictionary<string, JsonValueKind>
    {
        ["client_id"] = Text, ["audience"] = Text, ["scope"] = List, ["organization_usage"] = Text, ["allow_any_organization"] = Flag,
    }, ["client_id", "audience", "scope"]);

    /// <summary><c>PATCH /api/v2/client-grants/{id}</c>: the client and the audience stay.</summary>
    public static Auth0RequestShape UpdateClientGrant { get; } = new(new Dictionary<string, JsonValueKind>
    {
        ["scope"] = List, ["organization_usage"] = Text, ["allow_any_organization"] = Flag,
    }, []);

    /// <summary><c>PATCH /api/v2/tenants/settings</c>, the fields of it this stand-in keeps.</summary>
    public static Auth0RequestShape UpdateTenantSettings { get; } = new(new Dictionary<string, JsonValueKind>
    {
        ["friendly_name"] = Text, ["allow_organization_name_in_authentication_api"] = Flag, ["flags"] = Map,
    }, []);

    /// <summary>Auth0's rule for an Organization's name: lowercase letters, digits, '-' and '_', at most 50 characters.</summary>
    [GeneratedRegex("^[a-z0-9](?:[a-z0-9_-]{0,48}[a-z0-9])?$")]
    public static partial Regex OrganizationName();
}
