using System.Text.Json;
using System.Text.Json.Nodes;
using AeroGrid.Api.Client;
using AeroGrid.Api.Meta;
using AeroGrid.Api.Resources;
using AeroGrid.Api.Serialization;
using AeroGrid.Portal.Bff;
using AeroGrid.Portal.Templates;
using AeroGrid.ServiceDefaults.Authentication;
using k8s.Models;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// The front end's API (backend for frontend): the signed-in person's apps, in their tenant, through the AeroGrid API
/// with their token. Request and answer bodies are the API's own objects; see AeroGrid.Portal/README.md.
/// </summary>
internal static class BffEndpoints
{
    /// <summary>
    /// An app's name in a route: a DNS label, as the API requires. Anything else is no route at all, so a name never
    /// carries a label selector or a path segment into the calls the Portal makes with it.
    /// </summary>
    private const string AppRoute = "/{name:regex(^[a-z0-9]([-a-z0-9]*[a-z0-9])?$)}";

    /// <summary>A grid's or topic's name, as the SDK allows them: no dot segment, no slash.</summary>
    private const string DataRoute = "/{item:regex(^[A-Za-z0-9][A-Za-z0-9_.-]*$)}";

    public static WebApplication MapBff(this WebApplication app)
    {
        var bff = app.MapGroup("/bff").AddEndpointFilter<BffFilter>();
        bff.MapGet("/me", (HttpContext http) => Me(BffFilter.SessionOf(http).Person));
        bff.MapPost("/signout", SignInEndpoints.SignOutAsync);
        bff.MapGet("/templates", (TemplateCatalog templates) => BffResults.Json(templates.All));

        // Beside /apps, not under it, so that no app name is shadowed (as Kubernetes' old /watch/ prefix).
        bff.MapGet("/watch/apps", AppEvents.StreamAsync);

        var apps = bff.MapGroup("/apps");
        apps.MapGet("", async (HttpContext http, PersonApi api) =>
            BffResults.Json(await Api(http, api).Apps.ListAsync(Tenant(http), cancellationToken: http.RequestAborted)));
        apps.MapPost("", async (HttpContext http, PersonApi api) =>
        {
            var body = await ReadAsync<App>(http);
            var created = await Api(http, api).Apps.CreateAsync(body with { Metadata = body.Metadata with { NamespaceProperty = Tenant(http) } }, http.RequestAborted);
            return BffResults.Json(created, StatusCodes.Status201Created);
        });
        apps.MapGet(AppRoute, async (HttpContext http, PersonApi api, string name) =>
            BffResults.Json(await Api(http, api).Apps.GetAsync(Tenant(http), name, http.RequestAborted)));
        apps.MapPut(AppRoute, async (HttpContext http, PersonApi api, string name) =>
            await AppSaves.SaveAsync(Api(http, api).Apps, Tenant(http), name, await ReadAsync<App>(http), http.RequestAborted));
        apps.MapPatch(AppRoute, async (HttpContext http, PersonApi api, string name) =>
        {
            var patch = await ReadAsync<JsonNode>(http);
            return BffResults.Json(await Api(http, api).Apps.PatchAsync(Tenant(http), name, patch, V1Patch.PatchType.MergePatch, cancellationToken: http.RequestAborted));
        });
        apps.MapDelete(AppRoute, async (HttpContext http, PersonApi api, string name) =>
        {
            var deleted = await Api(http, api).Apps.DeleteAsync(Tenant(http), name, http.RequestAborted);
            return deleted is null ? BffResults.Json(new Status { Outcome = "Success", Code = 200 }) : BffResults.Json(deleted);
        });
        apps.MapGet(AppRoute + "/log", (HttpContext http, PersonApi api, string name, bool? follow, int? tailLines) =>
            TextStream.CopyAsync(http, Api(http, api).Apps.OpenLogAsync(Tenant(http), name, follow == true, tailLines, http.RequestAborted)));
        apps.MapGet(AppRoute + "/buildlog", async (HttpContext http, PersonApi api, string name, bool? follow) =>
        {
            var client = Api(http, api);
            var app = await client.Apps.GetAsync(Tenant(http), name, http.RequestAborted);
            var image = ImageHash.ImageName(ImageHash.Of(app.Spec));
            return await TextStream.CopyAsync(http, client.Images.OpenLogAsync(Tenant(http), image, follow == true, cancellationToken: http.RequestAborted));
        });
        apps.MapGet(AppRoute + "/revisions", async (HttpContext http, PersonApi api, string name) =>
        {
            var list = await Api(http, api).Revisions.ListAsync(Tenant(http), $"{Revision.AppLabel}={name}", cancellationToken: http.RequestAborted);
            return BffResults.Json(new { items = list.Items.OrderByDescending(r => r.Spec.Revision) });
        });
        apps.MapPost(AppRoute + "/rollback", async (HttpContext http, PersonApi api, string name) =>
            await AppSaves.RollbackAsync(Api(http, api), Tenant(http), name, await ReadAsync<RollbackRequest>(http), http.RequestAborted));
        apps.MapPost(AppRoute + "/invoke", async (HttpContext http, AppInvoker invoker, string name) =>
        {
            var session = BffFilter.SessionOf(http);
            return await invoker.InvokeAsync(await ReadAsync<InvokeRequest>(http), session, name, http.RequestAborted);
        });
        // The Data panel: what the app publishes, read through the gateway (openapi/gateway-apps.json).
        apps.MapGet(AppRoute + "/grids", (HttpContext http, AppData data, string name) => data.ReadAsync(http, name, "grids"));
        apps.MapGet(AppRoute + "/grids" + DataRoute, (HttpContext http, AppData data, string name, string item) => data.ReadAsync(http, name, $"grids/{item}"));
        apps.MapGet(AppRoute + "/grids" + DataRoute + "/events", (HttpContext http, AppData data, string name, string item) => data.ReadAsync(http, name, $"grids/{item}/events"));
        apps.MapGet(AppRoute + "/topics", (HttpContext http, AppData data, string name) => data.ReadAsync(http, name, "topics"));
        apps.MapGet(AppRoute + "/topics" + DataRoute + "/events", (HttpContext http, AppData data, string name, string item) => data.ReadAsync(http, name, $"topics/{item}/events"));
        bff.MapFallback(() => BffResults.Status(404, "NotFound", "There is no such Portal API route."));
        return app;
    }

    private static IResult Me(CallerIdentity person) => BffResults.Json(new
    {
        subject = person.Subject,
        tenant = person.Tenant,
        permissions = person.Permissions.Order(StringComparer.Ordinal),
        canWrite = person.Can(Permissions.AppsWrite, person.Tenant!),
        canInvoke = person.Can(Permissions.AppsInvoke, person.Tenant!),
    });

    private static ApiClient Api(HttpContext http, PersonApi api) => api.Client;

    private static string Tenant(HttpContext http) => BffFilter.SessionOf(http).Tenant;

    private static async Task<T> ReadAsync<T>(HttpContext http) =>
        await JsonSerializer.DeserializeAsync<T>(http.Request.Body, ApiJson.Options, http.RequestAborted)
        ?? throw new JsonException("the body is empty");
}
