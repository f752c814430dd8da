using Microsoft.AspNetCore.ResponseCompression;
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
        app.UseResponseCompression();
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

    /// <summary>
    /// Monaco is about 3.8 MB of script and style, 1 MB compressed, fetched when an editor first opens. Only the front
    /// end's files are compressed: the API's answers are not (nothing secret is ever compressed next to what a page
    /// can make the server reflect, as BREACH needs), and logs and events must stream unbuffered.
    /// </summary>
    public static IServiceCollection AddFrontEndCompression(this IServiceCollection services) =>
        services.AddResponseCompression(options =>
        {
            options.EnableForHttps = true;
            options.MimeTypes = ["text/html", "text/javascript", "application/javascript", "text/css", "image/svg+xml"];
            options.Providers.Add<BrotliCompressionProvider>();
            options.Providers.Add<GzipCompressionProvider>();
        })
        .Configure<BrotliCompressionProviderOptions>(o => o.Level = System.IO.Compression.CompressionLevel.Fastest)
        .Configure<GzipCompressionProviderOptions>(o => o.Level = System.IO.Compression.CompressionLevel.Fastest);

    /// <summary>Vite names its bundles by content hash, so they never change; Monaco changes with its version; the page always may.</summary>
    private static string CacheControl(PathString path) =>
        path.StartsWithSegments("/assets") ? "public, max-age=31536000, immutable"
        : path.StartsWithSegments("/vs") ? "public, max-age=86400"
        : "no-cache";

    [LoggerMessage(EventId = 5201, Level = LogLevel.Warning, Message = "No front end at {Root}: pages answer 503 until AeroGrid.Portal is built")]
    private static partial void LogMissing(ILogger logger, string root);
}
