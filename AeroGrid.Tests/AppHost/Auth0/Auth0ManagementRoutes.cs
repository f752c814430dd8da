using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using static AeroGrid.Tests.AppHost.Auth0.Auth0ManagementStandIn;

namespace AeroGrid.Tests.AppHost.Auth0;

/// <summary>The Management API v2 endpoints of <see cref="Auth0ManagementStandIn"/>: the ones provisioning uses, with Auth0's paths and answers.</summary>
internal static class Auth0ManagementRoutes
{
    public static void Map(RouteGroupBuilder api, Auth0ManagementStandIn tenant)
    {
        api.MapGet("/tenants/settings", () => tenant.With(state => Results.Json(state.TenantSettings)));
        api.MapPatch("/tenants/settings", (JsonNode? body) => tenant.With(state =>
            Refused(Auth0RequestShape.UpdateTenantSettings, body) ?? Results.Json(Merge(state.TenantSettings, body!))));

        api.MapGet("/resource-servers/{id}", (string id) => tenant.With(state =>
            FindApi(state, id) is { } found ? Results.Json(found) : NotFound("The resource server does not exist", "inexistent_resource_server")));
        api.MapPost("/resource-servers", (JsonNode? body) => tenant.With(state =>
        {
            if ((Refused(Auth0RequestShape.CreateResourceServer, body) ?? ScopesRefused(body)) is { } refused)
            {
                return refused;
            }
            if (FindApi(state, (string)body!["identifier"]!) is not null)
            {
                return Error(409, "Conflict", "A resource server with the same identifier already exists", "resource_server_conflict");
            }
            var id = State.NewId("");
            var created = Merge(new JsonObject
            {
                ["id"] = id, ["is_system"] = false, ["signing_alg"] = "RS256", ["token_dialect"] = "access_token", ["enforce_policies"] = false,
                ["allow_offline_access"] = false, ["token_lifetime"] = 86400, ["skip_consent_for_verifiable_first_party_clients"] = false, ["scopes"] = new JsonArray(),
            }, body!);
            state.ResourceServers[id] = created;
            return Results.Json(created, statusCode: 201);
        }));
        api.MapPatch("/resource-servers/{id}", (string id, JsonNode? body) => tenant.With(state =>
            Refused(Auth0RequestShape.UpdateResourceServer, body) ?? ScopesRefused(body)
            ?? (state.ResourceServers.TryGetValue(id, out var current) ? Results.Json(Merge(current, body!)) : NotFound("The resource server does not exist", "inexistent_resource_server"))));

        api.MapGet("/roles", (string? name_filter) => tenant.With(state => Results.Json(new JsonArray(
            [.. state.Roles.Values.Where(r => name_filter is null || ((string)r["name"]!).Contains(name_filter, StringComparison.OrdinalIgnoreCase)).Select(r => r.DeepClone())]))));
        api.MapPost("/roles", (JsonNode? body) => tenant.With(state =>
        {
            if (Refused(Auth0RequestShape.CreateRole, body) is { } refused)
            {
                return refused;
            }
            if (state.Roles.Values.Any(r => (string?)r["name"] == (string?)body!["name"]))
            {
                return Error(409, "Conflict", "Role name already exists", "role_conflict");
            }
            var id = State.NewId("rol_");
            state.Roles[id] = Merge(new JsonObject { ["id"] = id, ["description"] = "" }, body!);
            state.RolePermissions[id] = [];
            return Results.Json(state.Roles[id], statusCode: 200);
        }));
        api.MapPatch("/roles/{id}", (string id, JsonNode? body) => tenant.With(state =>
            Refused(Auth0RequestShape.UpdateRole, body)
            ?? (state.Roles.TryGetValue(id, out var role) ? Results.Json(Merge(role, body!)) : NotFound("The role does not exist.", "inexistent_role"))));
        api.MapGet("/roles/{id}/permissions", (string id) => tenant.With(state => state.RolePermissions.TryGetValue(id, out var permissions)
            ? Results.Json(new JsonArray([.. permissions.Select(p => new JsonObject
            {
                ["permission_name"] = p.Permission, ["resource_server_identifier"] = p.Api,
                ["resource_server_name"] = (string?)FindApi(state, p.Api)?["name"], ["description"] = "",
            })]))
            : NotFound("The role does not exist.", "inexistent_role")));
        api.MapPost("/roles/{id}/permissions", (string id, JsonNode? body) => tenant.With(state => ChangePermissions(state, id, body, add: true)));
        api.MapDelete("/roles/{id}/permissions", async (string id, HttpRequest request) =>
        {
            // Minimal APIs bind no body on DELETE; Auth0's takes one.
            var body = await request.ReadFromJsonAsync<JsonNode>();
            return tenant.With(state => ChangePermissions(state, id, body, add: false));
        });

        api.MapGet("/organizations/name/{name}", (string name) => tenant.With(state =>
            state.Organizations.Values.FirstOrDefault(o => (string?)o["name"] == name) is { } found
                ? Results.Json(found) : NotFound("No organization found by that name", "inexistent_organization")));
        api.MapPost("/organizations", (JsonNode? body) => tenant.With(state =>
        {
            if (Refused(Auth0RequestShape.CreateOrganization, body) is { } refused)
            {
                return refused;
            }
            var name = (string)body!["name"]!;
            if (!Auth0RequestShape.OrganizationName().IsMatch(name))
            {
                return Invalid($"Payload validation error: 'String does not match pattern' on property name ('{name}').");
            }
            if (state.Organizations.Values.Any(o => (string?)o["name"] == name))
            {
                return Error(409, "Conflict", "An organization with this name already exists.", "organization_conflict");
            }
            var id = State.NewId("org_");
            state.Organizations[id] = Merge(new JsonObject { ["id"] = id }, body);
            return Results.Json(state.Organizations[id], statusCode: 201);
        }));
        api.MapPatch("/organizations/{id}", (string id, JsonNode? body) => tenant.With(state =>
            Refused(Auth0RequestShape.UpdateOrganization, body)
            ?? (state.Organizations.TryGetValue(id, out var organization) ? Results.Json(Merge(organization, body!)) : NotFound("The organization does not exist", "inexistent_organization"))));

        api.MapGet("/clients", (string? fields, bool? include_fields, int? per_page, int? page) => tenant.With(state =>
        {
            if (per_page is < 1 or > 100)
            {
                return Invalid("Query validation error: 'per_page' must be between 1 and 100");
            }
            var shown = fields?.Split(',').ToHashSet();
            var clients = state.Clients.Values.Skip((page ?? 0) * (per_page ?? 50)).Take(per_page ?? 50).Select(c => include_fields != false && shown is not null
                ? new JsonObject([.. c.Where(f => shown.Contains(f.Key)).Select(f => KeyValuePair.Create(f.Key, f.Value?.DeepClone()))])
                : c.DeepClone());
            return Results.Json(new JsonArray([.. clients]));
        }));
        api.MapPost("/clients", (JsonNode? body) => tenant.With(state =>
        {
            // Auth0 lets applications share a name, so nothing here is a conflict: finding them again is provisioning's job.
            if (Refused(Auth0RequestShape.CreateClient, body) is { } refused)
            {
                return refused;
            }
            var id = State.NewId("").ToUpperInvariant() + State.NewId("");
            var created = Merge(new JsonObject
            {
                ["client_id"] = id, ["client_secret"] = tenant.NewClientSecret(), ["tenant"] = "aerogrid-example", ["global"] = false,
                ["callbacks"] = new JsonArray(), ["allowed_logout_urls"] = new JsonArray(),
                ["jwt_configuration"] = new JsonObject { ["alg"] = "RS256", ["lifetime_in_seconds"] = 36000, ["secret_encoded"] = false },
            }, body!);
            state.Clients[id] = created;
            return Results.Json(created, statusCode: 201);
        }));
        api.MapPatch("/clients/{id}", (string id, JsonNode? body) => tenant.With(state =>
            Refused(Auth0RequestShape.UpdateClient, body)
            ?? (state.Clients.TryGetValue(id, out var client) ? Results.Json(Merge(client, body!)) : NotFound("The client does not exist", "inexistent_client"))));

        api.MapGet("/client-grants", (string? audience, string? client_id) => tenant.With(state => Results.Json(new JsonArray(
            [.. state.ClientGrants.Values.Where(g => (audience is null || (string?)g["audience"] == audience) && (client_id is null || (string?)g["client_id"] == client_id)).Select(g => g.DeepClone())]))));
        api.MapPost("/client-grants", (JsonNode? body) => tenant.With(state =>
        {
            if (Refused(Auth0RequestShape.CreateClientGrant, body) is { } refused)
            {
                return refused;
            }
            var (clientId, audience) = ((string)body!["client_id"]!, (string)body["audience"]!);
            if (!state.Clients.ContainsKey(clientId))
            {
                return NotFound($"No client with id {clientId}", "inexistent_client");
            }
            if (FindApi(state, audience) is not { } resourceServer)
            {
                return NotFound($"No resource server with identifier {audience}", "inexistent_resource_server");
            }
            if (UndefinedScope(resourceServer, body["scope"]!.AsArray().Select(s => (string?)s)) is { } undefined)
            {
                return Invalid($"Scope '{undefined}' is not defined by the resource server {audience}");
            }
            if (state.ClientGrants.Values.Any(g => (string?)g["client_id"] == clientId && (string?)g["audience"] == audience))
            {
                return Error(409, "Conflict", "A client grant for this client and audience already exists", "client_grant_conflict");
            }
            var id = State.NewId("cgr_");
            state.ClientGrants[id] = Merge(new JsonObject { ["id"] = id, ["organization_usage"] = "deny", ["allow_any_organization"] = false }, body);
            return Results.Json(state.ClientGrants[id], statusCode: 201);
        }));
        api.MapPatch("/client-grants/{id}", (string id, JsonNode? body) => tenant.With(state =>
            Refused(Auth0RequestShape.UpdateClientGrant, body)
            ?? (state.ClientGrants.TryGetValue(id, out var grant) ? Results.Json(Merge(grant, body!)) : NotFound("The client grant does not exist", "inexistent_client_grant"))));
    }

    private static IResult ChangePermissions(State state, string roleId, JsonNode? body, bool add)
    {
        if (Refused(Auth0RequestShape.RolePermissions, body) is { } refused)
        {
            return refused;
        }
        if (!state.RolePermissions.TryGetValue(roleId, out var permissions))
        {
            return NotFound("The role does not exist.", "inexistent_role");
        }
        foreach (var item in body!["permissions"]!.AsArray())
        {
            var (api, name) = ((string?)item?["resource_server_identifier"], (string?)item?["permission_name"]);
            if (api is null || name is null)
            {
                return Invalid("Payload validation error: 'Missing required property: resource_server_identifier or permission_name' on property permissions.");
            }
            if (FindApi(state, api) is not { } resourceServer || UndefinedScope(resourceServer, [name]) is not null)
            {
                return NotFound($"Permission {name} of resource server {api} does not exist", "inexistent_permission");
            }
            permissions.RemoveAll(p => p == (api, name));
            if (add)
            {
                permissions.Add((api, name));
            }
        }
        return add ? Results.StatusCode(201) : Results.Ok();
    }

    /// <summary>An API by its id or, as Auth0 also accepts, by its identifier (arriving URL-escaped in the path).</summary>
    private static JsonObject? FindApi(State state, string idOrIdentifier)
    {
        var key = Uri.UnescapeDataString(idOrIdentifier);
        return state.ResourceServers.TryGetValue(key, out var byId) ? byId : state.ResourceServers.Values.FirstOrDefault(s => (string?)s["identifier"] == key);
    }

    private static string? UndefinedScope(JsonObject resourceServer, IEnumerable<string?> scopes)
    {
        var defined = resourceServer["scopes"]!.AsArray().Select(s => (string?)s?["value"]).ToHashSet();
        return scopes.FirstOrDefault(s => !defined.Contains(s));
    }

    private static IResult? ScopesRefused(JsonNode? body) =>
        body?["scopes"] is JsonArray scopes && scopes.Any(s => s?["value"] is null)
            ? Invalid("Payload validation error: 'Missing required property: value' on property scopes.")
            : null;

    private static IResult? Refused(Auth0RequestShape shape, JsonNode? body) => shape.Refusal(body) is { } message ? Invalid(message) : null;

    private static IResult NotFound(string message, string errorCode) => Error(404, "Not Found", message, errorCode);

    /// <summary>A PATCH as Auth0 applies it: each field given replaces the stored one.</summary>
    private static JsonObject Merge(JsonObject target, JsonNode patch)
    {
        foreach (var (name, value) in patch.AsObject())
        {
            target[name] = value?.DeepClone();
        }
        return target;
    }
}
