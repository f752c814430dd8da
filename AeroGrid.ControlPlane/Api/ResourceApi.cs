using AeroGrid.Api.Resources;
using AeroGrid.ControlPlane.Storage;

namespace AeroGrid.ControlPlane.Api;

/// <summary>The REST paths of every kind, by the Kubernetes conventions.</summary>
internal static class ResourceApi
{
    public static IEndpointRouteBuilder MapResourceApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("").RequireAuthorization().AddEndpointFilter(async (context, next) =>
        {
            try
            {
                return await next(context);
            }
            catch (ApiError error)
            {
                return error.ToResult();
            }
        });
        foreach (var definition in ResourceDefinitions.All)
        {
            if (definition.Namespaced)
            {
                // Across namespaces: GET only, as in Kubernetes.
                api.MapGet(definition.CollectionPath(null), (HttpContext http, ResourceHandler handler, WatchHandler watch) =>
                    ListOrWatchAsync(http, handler, watch, definition, null));
            }
            MapVerbs(api, definition, definition.CollectionTemplate, item: $"{definition.CollectionTemplate}/{{name}}");
        }
        return endpoints;
    }

    private static void MapVerbs(RouteGroupBuilder api, ResourceDefinition definition, string collection, string item)
    {
        api.MapGet(collection, (HttpContext http, ResourceHandler handler, WatchHandler watch, string? @namespace) =>
            ListOrWatchAsync(http, handler, watch, definition, @namespace));
        api.MapPost(collection, (HttpContext http, ResourceHandler handler, string? @namespace) =>
        {
            ApiAuthorization.Demand(http, definition, "create", @namespace);
            return handler.CreateAsync(http, definition, @namespace);
        });
        api.MapGet(item, (HttpContext http, ResourceHandler handler, string? @namespace, string name) =>
        {
            ApiAuthorization.Demand(http, definition, "get", @namespace, name);
            return handler.GetAsync(http, definition, @namespace, name);
        });
        api.MapDelete(item, (HttpContext http, ResourceHandler handler, string? @namespace, string name) =>
        {
            ApiAuthorization.Demand(http, definition, "delete", @namespace, name);
            return handler.DeleteAsync(http, definition, @namespace, name);
        });
        foreach (var (path, status) in definition.HasStatus ? new[] { (item, false), ($"{item}/status", true) } : [(item, false)])
        {
            api.MapPut(path, (HttpContext http, ResourceHandler handler, string? @namespace, string name) =>
            {
                ApiAuthorization.Demand(http, definition, "update", @namespace, name);
                return handler.ReplaceAsync(http, definition, @namespace, name, status);
            });
            api.MapPatch(path, (HttpContext http, ResourceHandler handler, string? @namespace, string name) =>
            {
                ApiAuthorization.Demand(http, definition, "patch", @namespace, name);
                return handler.PatchAsync(http, definition, @namespace, name, status);
            });
        }
        if (LogProxy.Kinds.Contains(definition))
        {
            api.MapGet($"{item}/log", (HttpContext http, LogProxy logs, string @namespace, string name) =>
            {
                ApiAuthorization.Demand(http, definition, "get", @namespace, name);
                return logs.ReadAsync(http, definition, @namespace, name);
            });
        }
        if (definition.HasStatus)
        {
            api.MapGet($"{item}/status", (HttpContext http, ResourceHandler handler, string? @namespace, string name) =>
            {
                ApiAuthorization.Demand(http, definition, "get", @namespace, name);
                return handler.GetAsync(http, definition, @namespace, name);
            });
        }
    }

    private static async Task<IResult> ListOrWatchAsync(
        HttpContext http, ResourceHandler handler, WatchHandler watch, ResourceDefinition definition, string? @namespace)
    {
        var watching = http.Request.Query["watch"] is ["true" or "1"];
        ApiAuthorization.Demand(http, definition, watching ? "watch" : "list", @namespace);
        if (!watching)
        {
            return await handler.ListAsync(http, definition, @namespace);
        }
        await watch.WatchAsync(http, definition, @namespace);
        return Results.Empty;
    }
}
