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
        if (runtime.LogPath(@namespace, name, revision) is not { } path || !File.Exists(path))
        {
            await NotFoundAsync(http, $"app {@namespace}/{name} has no log{(revision is null ? "" : $" for revision {revision}")}");
            return;
        }
        // Followed while the revision is there; it is gone when a newer one replaced it or the app was deleted.
        await StreamAsync(http, path, tailLines, follow == true ? () => File.Exists(path) : null);
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
        var path = builder.LogPath(hash);
        // Running until the builder is done and the Image says so: between its creation (or the Building status) and
        // the first line there is no file yet, and a follower waits for it rather than miss the build.
        bool Building() => builder.IsBuilding(hash) || images.TryGet(@namespace, name) is { } current && !ImageController.IsFinished(current);
        while (follow == true && !File.Exists(path) && Building() && !http.RequestAborted.IsCancellationRequested)
        {
            await PauseAsync(http.RequestAborted);
        }
        if (!File.Exists(path))
        {
            await NotFoundAsync(http, $"image {@namespace}/{name} has no build log{(Building() ? " yet: its build has not started" : "")}");
            return;
        }
        await StreamAsync(http, path, tailLines, follow == true ? Building : null);
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

    /// <summary>
    /// Writes the file (its last <paramref name="tailLines"/> lines), then, while <paramref name="writing"/> says the
    /// file may still grow, what is appended; returns at the end of a file that is complete, or when the client leaves.
    /// </summary>
    private static async Task StreamAsync(HttpContext http, string path, int? tailLines, Func<bool>? writing)
    {
        http.Response.ContentType = "text/plain; charset=utf-8";
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        if (tailLines is { } lines)
        {
            file.Seek(TailOffset(file, lines), SeekOrigin.Begin);
        }
        var buffer = new byte[16 * 1024];
        while (!http.RequestAborted.IsCancellationRequested)
        {
            // Asked before reading: when the writer had stopped, what it wrote is all in the file, and read below.
            var more = writing?.Invoke() == true;
            int read;
            while ((read = await file.ReadAsync(buffer, http.RequestAborted)) > 0)
            {
                await http.Response.Body.WriteAsync(buffer.AsMemory(0, read), http.RequestAborted);
            }
            if (!more)
            {
                return;
            }
            await http.Response.Body.FlushAsync(http.RequestAborted);
            await PauseAsync(http.RequestAborted);
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

    /// <summary>Where the last <paramref name="lines"/> lines start, looking back at most 1 MiB.</summary>
    private static long TailOffset(FileStream file, int lines)
    {
        var start = Math.Max(0, file.Length - 1024 * 1024);
        file.Seek(start, SeekOrigin.Begin);
        var bytes = new byte[file.Length - start];
        file.ReadExactly(bytes);
        var newlines = 0;
        for (var i = bytes.Length - 2; i >= 0; i--)
        {
            if (bytes[i] == (byte)'\n' && ++newlines == lines)
            {
                return start + i + 1;
            }
        }
        return start;
    }
}
