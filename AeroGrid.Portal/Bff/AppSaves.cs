using AeroGrid.Api.Client;
using AeroGrid.Api.Resources;
using k8s.Autorest;

namespace AeroGrid.Portal.Bff;

/// <summary>What the rollback button sends: the revision to go back to and, optionally, the spec version the person saw.</summary>
internal sealed record RollbackRequest(long Revision, long? Generation);

/// <summary>
/// Saving what a person edited: their spec on the App as it is now, provided nobody else saved a spec since they
/// opened it. <c>metadata.generation</c> is the spec's version (status and finalizer writes do not raise it), so the
/// Operator's constant status updates never count as a conflict, while another person's save always does.
/// </summary>
/// <remarks>
/// Replacing the stored object with the page's copy would also be wrong for the metadata: a finalizer the Operator
/// added after the page loaded would be dropped. So the update is built from the current object, and still sent
/// with its resourceVersion as the precondition: a write in between makes the API answer 409, and we look again.
/// </remarks>
internal static class AppSaves
{
    private const int Attempts = 5;

    public static Task<IResult> SaveAsync(ResourceClient<App> apps, string tenant, string name, App edited, CancellationToken cancellationToken) =>
        edited.Metadata.Generation is { } basedOn
            ? ApplyAsync(apps, tenant, name, _ => edited.Spec, basedOn, cancellationToken)
            : Task.FromResult(BffResults.Status(400, "BadRequest", "metadata.generation must say which version of the app the edit started from."));

    /// <summary>
    /// Rolling back is copying a served revision's code into the App (as <c>kubectl rollout undo</c> copies a template):
    /// a new revision with the old files rolls out. Replicas and stopped stay as they are.
    /// </summary>
    public static async Task<IResult> RollbackAsync(
        ApiClient api, string tenant, string name, RollbackRequest request, CancellationToken cancellationToken)
    {
        var revision = await api.Revisions.TryGetAsync(tenant, Revision.NameOf(name, request.Revision), cancellationToken);
        if (revision is null || revision.Spec.App != name)
        {
            return BffResults.Status(404, "NotFound", $"{name} has no revision {request.Revision} in its history.");
        }
        var old = revision.Spec;
        return await ApplyAsync(api.Apps, tenant, name,
            current => current.Spec with { Files = old.Files, Entrypoint = old.Entrypoint, Runtime = old.Runtime, Env = old.Env },
            request.Generation, cancellationToken);
    }

    private static async Task<IResult> ApplyAsync(
        ResourceClient<App> apps, string tenant, string name, Func<App, AppSpec> spec, long? basedOn, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var current = await apps.GetAsync(tenant, name, cancellationToken);
            if (basedOn is not null && current.Metadata.Generation != basedOn)
            {
                return BffResults.Status(409, "Conflict",
                    $"Someone else saved {name} after you opened it (version {basedOn}, now {current.Metadata.Generation}). Your text is still here.");
            }
            try
            {
                return BffResults.Json(await apps.UpdateAsync(current with { Spec = spec(current) }, cancellationToken));
            }
            catch (HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.Conflict && attempt < Attempts)
            {
                // Written in between (most likely a status update): read it again.
            }
        }
    }
}
