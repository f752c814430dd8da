using AeroGrid.Api.Client;
using AeroGrid.Api.Resources;

namespace AeroGrid.Portal.Bff;

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

    public static async Task<IResult> SaveAsync(ResourceClient<App> apps, string tenant, string name, App edited, CancellationToken cancellationToken)
    {
        if (edited.Metadata.Generation is not { } basedOn)
        {
            return BffResults.Status(400, "BadRequest", "metadata.generation must say which version of the app the edit started from.");
        }
        for (var attempt = 1; ; attempt++)
        {
            var current = await apps.GetAsync(tenant, name, cancellationToken);
            if (current.Metadata.Generation != basedOn)
            {
                return BffResults.Status(409, "Conflict",
                    $"Someone else saved {name} after you opened it (version {basedOn}, now {current.Metadata.Generation}). Your text is still here.");
            }
            try
            {
                return BffResults.Json(await apps.UpdateAsync(current with { Spec = edited.Spec }, cancellationToken));
            }
            catch (ApiException e) when (e.StatusCode == System.Net.HttpStatusCode.Conflict && attempt < Attempts)
            {
                // Written in between (most likely a status update): read it again.
            }
        }
    }
}
