using AeroGrid.Api.Client;
using AeroGrid.Api.Resources;
using AeroGrid.Operator.Controllers;
using AeroGrid.Operator.Workloads;
using AeroGrid.ServiceDefaults.Authentication;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Logs, read or followed, the counterpart of a kubelet's <c>pods/log</c>; each needs a token that may read the tenant's apps:
/// <list type="bullet">
/// <item><c>GET .../namespaces/{ns}/apps/{name}/log?follow=true&amp;tailLines=100&amp;revision=N</c>: an app's output;
/// following lasts while the revision runs.</item>
/// <item><c>GET .../namespaces/{ns}/images/{name}/log?follow=true&amp;tailLines=100</c>: an image's build log;
/// following lasts until the build ends, so the whole build and then the end of the stream.</item>
/// </list>
/// </summary>
internal static class LogApi
{
    private const string Root = "/apis/" + AeroGridApi.GroupVersion + "/namespaces/{namespace}";
    private static readonly TimeSpan FollowInterval = TimeSpan.FromMilliseconds(200);

    public static WebApplication MapLogApi(this WebApplication app)
    {
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapGet(Root + "/apps/{name}/log", ReadAppLogAsync).RequireAuthorization();
        app.MapGet(Root + "/images/{name}/log", ReadImageLogAsync).RequireAuthorization();
        return app;
    }

    private static async Task ReadAppLogAsync(HttpContext http, IAppRuntime runtime, string @namespace, string name, bool? follow, int? tailLines, long? revision)
    {
        if (!await MayReadAsync(http, @namespace))
        {
            return;
        }
        await using var log = await runtime.OpenLogAsync(@namespace, name, revision, follow == true, tailLines, http.RequestAborted);
        if (log is null)
        {
            await NotFoundAsync(http, $"app {@namespace}/{name} has no log{(revision is null ? "" : $" for revision {revision}")}");
            return;
        }
        await StreamAsync(http, log);
    }

    private static async Task ReadImageLogAsync(
        HttpContext http, Informer<Image> images, IImageBuilder builder, string @namespace, string name, bool? follow, int? tailLines)
    {
        if (!await MayReadAsync(http, @namespace))
        {
            return;
        }
        if (images.TryGet(@namespace, name) is not { } image)
        {
            await NotFoundAsync(http, $"image {@namespace}/{name} does not exist");
            return;
        }
        var hash = ImageHash.Of(image.Spec);
        // Between the Image's creation (or its Building status) and the build's first line there is no log yet: a
        // follower waits for it rather than miss the build.
        bool Unfinished() => images.TryGet(@namespace, name) is { } current && !ImageController.IsFinished(current);
        var log = await builder.OpenLogAsync(@namespace, hash, follow == true, tailLines, http.RequestAborted);
        while (log is null && follow == true && Unfinished() && !http.RequestAborted.IsCancellationRequested)
        {
            await PauseAsync(http.RequestAborted);
            log = await builder.OpenLogAsync(@namespace, hash, follow: true, tailLines, http.RequestAborted);
        }
        if (log is null)
        {
            await NotFoundAsync(http, $"image {@namespace}/{name} has no build log{(Unfinished() ? " yet: its build has not started" : "")}");
            return;
        }
        await using (log)
        {
            await StreamAsync(http, log);
        }
        // The log is whole once the build ended; a follower's stream ends when the Image says how it went, so what it
        // reads next (the status) agrees with what it followed.
        while (follow == true && Unfinished() && !http.RequestAborted.IsCancellationRequested)
        {
            await PauseAsync(http.RequestAborted);
        }
    }

    private static async Task<bool> MayReadAsync(HttpContext http, string @namespace)
    {
        if (http.GetCaller().Can(Permissions.AppsRead, @namespace))
        {
            return true;
        }
        http.Response.StatusCode = StatusCodes.Status403Forbidden;
        await http.Response.WriteAsync($"this token may not read the apps of tenant {@namespace}", http.RequestAborted);
        return false;
    }

    private static async Task NotFoundAsync(HttpContext http, string message)
    {
        http.Response.StatusCode = StatusCodes.Status404NotFound;
        await http.Response.WriteAsync(message, http.RequestAborted);
    }

    /// <summary>Writes the log as it comes, each piece at once; returns at its end, or when the client leaves.</summary>
    private static async Task StreamAsync(HttpContext http, Stream log)
    {
        http.Response.ContentType = "text/plain; charset=utf-8";
        var buffer = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await log.ReadAsync(buffer, http.RequestAborted)) > 0)
            {
                await http.Response.Body.WriteAsync(buffer.AsMemory(0, read), http.RequestAborted);
                await http.Response.Body.FlushAsync(http.RequestAborted);
            }
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            // The client left.
        }
    }

    /// <summary>Waits between polls; a client that left ends the wait, and the caller's loop sees why.</summary>
    private static async Task PauseAsync(CancellationToken aborted)
    {
        try
        {
            await Task.Delay(FollowInterval, aborted);
        }
        catch (OperationCanceledException)
        {
            // The client left.
        }
    }
}
