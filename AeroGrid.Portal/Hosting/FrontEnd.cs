using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.FileProviders;

namespace AeroGrid.Portal.Hosting;

/// <summary>
/// The built front end (ClientApp, copied to <c>wwwroot</c> beside the Portal's binaries by the build): its files, and
/// index.html for every other page address, since the front end routes on its own.
/// </summary>
internal static partial class FrontEnd
{
    public static WebApplication MapFrontEnd(this WebApplication app)
    {
        var root = Path.Combine(AppContext.BaseDirectory, "wwwroot");
        if (!File.Exists(Path.Combine(root, "index.html")))
        {
            LogMissing(app.Logger, root);
            app.MapFallback(() => Results.Content(
                "The Portal's front end is not built: build AeroGrid.Portal (it runs npm in ClientApp).", "text/plain", statusCode: 503));
            return app;
        }
        var files = new StaticFileOptions
        {
            FileProvider = new PhysicalFileProvider(root),
            ContentTypeProvider = new FileExtensionContentTypeProvider(),
            OnPrepareResponse = context => context.Context.Response.Headers.CacheControl = CacheControl(context.Context.Request.Path),
        };
        app.UseStaticFiles(files);
        app.MapFallbackToFile("index.html", files);
        return app;
    }

    /// <summary>Vite names its bundles by content hash, so they never change; Monaco changes with its version; the page always may.</summary>
    private static string CacheControl(PathString path) =>
        path.StartsWithSegments("/assets") ? "public, max-age=31536000, immutable"
        : path.StartsWithSegments("/vs") ? "public, max-age=86400"
        : "no-cache";

    [LoggerMessage(EventId = 5201, Level = LogLevel.Warning, Message = "No front end at {Root}: pages answer 503 until AeroGrid.Portal is built")]
    private static partial void LogMissing(ILogger logger, string root);
}
