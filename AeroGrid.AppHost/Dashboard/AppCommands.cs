using System.Globalization;
using System.Text.Json.Nodes;
using AeroGrid.Api.Client;
using AeroGrid.Api.Resources;
using k8s.Autorest;
using k8s.Models;

namespace AeroGrid.AppHost.Dashboard;

/// <summary>
/// What a person can do to an App from the dashboard: the same writes a Portal button or <c>kubectl patch</c> makes,
/// through the API, so the Operator carries them out as it would any other change.
/// </summary>
internal static class AppCommands
{
    public const string Stop = "aerogrid-stop";
    public const string Start = "aerogrid-start";
    public const string Redeploy = "aerogrid-redeploy";
    public const string OpenInPortal = "aerogrid-open-in-portal";

    public static void AddTo(AppResource resource, ApiClient api, PlatformLinks links)
    {
        resource.Annotations.Add(Command(Stop, "Stop", "Stop", "Stops the app's processes; its files and settings are kept.",
            state => state is not nameof(AppPhase.Stopped) and not "Deleting" and not "Deleted",
            ct => SetStoppedAsync(api, resource, stopped: true, ct)));
        resource.Annotations.Add(Command(Start, "Start", "Play", "Runs the app again.",
            state => state is nameof(AppPhase.Stopped),
            ct => SetStoppedAsync(api, resource, stopped: false, ct)));
        resource.Annotations.Add(Command(Redeploy, "Redeploy", "ArrowSync", "Rolls out a new revision of the same code, as kubectl rollout restart does.",
            state => state is not nameof(AppPhase.Stopped) and not "Deleting" and not "Deleted",
            ct => RedeployAsync(api, resource, ct)));
        resource.Annotations.Add(Command(OpenInPortal, "Open in the Portal", "Open", "The app's editor in the Portal.",
            state => state is not "Deleted",
            _ => Task.FromResult(CommandResults.Success(
                "Open the app in the Portal.", $"[Open {resource.App} in the Portal]({links.PortalUrl(resource.App)})", CommandResultFormat.Markdown,
                displayImmediately: true))));
    }

    private static ResourceCommandAnnotation Command(
        string name, string displayName, string icon, string description, Func<string?, bool> enabledIn, Func<CancellationToken, Task<ExecuteCommandResult>> execute) =>
        new(name, displayName,
            context => enabledIn(context.ResourceSnapshot.State?.Text) ? ResourceCommandState.Enabled : ResourceCommandState.Disabled,
            context => execute(context.CancellationToken),
            description, arguments: null, confirmationMessage: null, iconName: icon, iconVariant: IconVariant.Regular, isHighlighted: false);

    private static Task<ExecuteCommandResult> SetStoppedAsync(ApiClient api, AppResource app, bool stopped, CancellationToken cancellationToken) =>
        PatchAsync(api, app, new JsonObject { ["spec"] = new JsonObject { ["stopped"] = stopped } }, cancellationToken);

    private static Task<ExecuteCommandResult> RedeployAsync(ApiClient api, AppResource app, CancellationToken cancellationToken) =>
        PatchAsync(api, app, new JsonObject
        {
            ["metadata"] = new JsonObject
            {
                ["annotations"] = new JsonObject { [AppAnnotations.RestartedAt] = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture) },
            },
        }, cancellationToken);

    private static async Task<ExecuteCommandResult> PatchAsync(ApiClient api, AppResource app, JsonObject patch, CancellationToken cancellationToken)
    {
        try
        {
            await api.Apps.PatchAsync(app.Namespace, app.App, patch, V1Patch.PatchType.MergePatch, cancellationToken: cancellationToken);
            return CommandResults.Success();
        }
        catch (HttpOperationException e)
        {
            return CommandResults.Failure($"{app.Namespace}/{app.App}: {ApiErrors.StatusOf(e).Message}");
        }
        catch (HttpRequestException e)
        {
            return CommandResults.Failure($"{app.Namespace}/{app.App}: {e.Message}");
        }
    }
}
