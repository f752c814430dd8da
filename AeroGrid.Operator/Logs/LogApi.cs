using System.Text;
using AeroGrid.Operator.Workloads;
using AeroGrid.ServiceDefaults.Authentication;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// An app's output, read or followed: <c>GET .../namespaces/{ns}/apps/{name}/log?follow=true&amp;tailLines=100&amp;revision=N</c>,
/// the counterpart of a kubelet's <c>pods/log</c>. Needs a token that may read the tenant's apps.
/// </summary>
internal static class LogApi
{
    private static readonly TimeSpan FollowInterval = TimeSpan.FromMilliseconds(200);

    public static WebApplication MapLogApi(this WebApplication app)
    {
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapGet("/apis/aerogrid.io/v1alpha1/namespaces/{namespace}/apps/{name}/log", ReadAsync).RequireAuthorization();
        return app;
    }

    private static async Task ReadAsync(HttpContext http, IAppRuntime runtime, string @namespace, string name, bool? follow, int? tailLines, long? revision)
    {
        if (!http.GetCaller().Can(Permissions.AppsRead, @namespace))
        {
            http.Response.StatusCode = StatusCodes.Status403Forbidden;
            await http.Response.WriteAsync($"this token may not read the apps of tenant {@namespace}", http.RequestAborted);
            return;
        }
        if (runtime.LogPath(@namespace, name, revision) is not { } path || !File.Exists(path))
        {
            http.Response.StatusCode = StatusCodes.Status404NotFound;
            await http.Response.WriteAsync($"app {@namespace}/{name} has no log{(revision is null ? "" : $" for revision {revision}")}", http.RequestAborted);
            return;
        }
        http.Response.ContentType = "text/plain; charset=utf-8";
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        if (tailLines is { } lines)
        {
            file.Seek(TailOffset(file, lines), SeekOrigin.Begin);
        }
        var buffer = new byte[16 * 1024];
        while (!http.RequestAborted.IsCancellationRequested)
        {
            var read = await file.ReadAsync(buffer, http.RequestAborted);
            if (read > 0)
            {
                await http.Response.Body.WriteAsync(buffer.AsMemory(0, read), http.RequestAborted);
                continue;
            }
            if (follow != true || !File.Exists(path))
            {
                return; // Not following, or the revision is gone.
            }
            await http.Response.Body.FlushAsync(http.RequestAborted);
            try
            {
                await Task.Delay(FollowInterval, http.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                return;
            }
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
