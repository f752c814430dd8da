using AeroGrid.Api.Meta;
using AeroGrid.Api.Serialization;
using AeroGrid.ControlPlane;
using AeroGrid.ControlPlane.Api;
using AeroGrid.ControlPlane.GarbageCollection;
using AeroGrid.ControlPlane.Storage;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

internal static class ControlPlaneExtensions
{
    /// <summary>The store, the API handlers, token validation and the background work of the control plane.</summary>
    public static WebApplicationBuilder AddControlPlane(this WebApplicationBuilder builder)
    {
        builder.Services.Configure<ControlPlaneOptions>(builder.Configuration.GetSection(ControlPlaneOptions.SectionName));
        builder.ListenWithHttps();
        var limit = builder.Configuration.GetSection(ControlPlaneOptions.SectionName).Get<ControlPlaneOptions>()?.MaxRequestBodyBytes
            ?? new ControlPlaneOptions().MaxRequestBodyBytes;
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = limit);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<WatchHub>();
        builder.Services.AddSingleton<ResourceStore>();
        builder.Services.AddSingleton<ResourceHandler>();
        builder.Services.AddSingleton<WatchHandler>();
        builder.Services.AddSingleton<LogProxy>();
        // No timeout: a followed log streams for as long as the reader wants.
        builder.Services.AddHttpClient(nameof(LogProxy), client => client.Timeout = Timeout.InfiniteTimeSpan);
        builder.Services.AddHttpClient(LogProxy.KubeletClient, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(services => KubeletTrust.Handler(services.GetRequiredService<IOptions<ControlPlaneOptions>>().Value));
        builder.Services.AddHostedService<TenantSeeder>();
        builder.Services.AddHostedService<CompactionService>();
        builder.Services.AddHostedService<GarbageCollector>();
        builder.Services.AddAeroGridAuthentication(builder.Configuration, (http, reason) =>
            http.Response.WriteAsJsonAsync(ApiError.Unauthorized(reason).ToStatus(), ApiJson.Options, "application/json"));
        return builder;
    }

    /// <summary>Adds the HTTPS address for kubectl to the HTTP addresses in <c>urls</c>.</summary>
    /// <remarks>
    /// Every address goes through the one <c>urls</c> setting, the HTTPS one served with the control plane's own
    /// certificate as Kestrel's HTTPS default. Listening in code as well would make Kestrel drop <c>urls</c>, and warn
    /// that it did, at every start.
    /// </remarks>
    private static void ListenWithHttps(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(ControlPlaneOptions.SectionName).Get<ControlPlaneOptions>() ?? new();
        if (options.HttpsPort == 0)
        {
            return;
        }
        var urls = (builder.Configuration[WebHostDefaults.ServerUrlsKey] ?? "http://127.0.0.1:7440").Split(';', StringSplitOptions.RemoveEmptyEntries);
        var certificate = ServingCertificate.LoadOrCreate(options.DataDirectory);
        builder.WebHost.UseUrls([.. urls, $"https://127.0.0.1:{options.HttpsPort.ToString(System.Globalization.CultureInfo.InvariantCulture)}"]);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureHttpsDefaults(https => https.ServerCertificate = certificate));
    }

    public static WebApplication MapControlPlane(this WebApplication app)
    {
        app.UseExceptionHandler(failed => failed.Run(http =>
            // Never a stack trace: the details are in the log.
            http.Response.WriteAsJsonAsync(
                new ApiError(500, "InternalError", "an internal error occurred; the server log has the details").ToStatus(),
                ApiJson.Options, "application/json")));
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapDiscoveryApi();
        app.MapOpenApiDocuments();
        app.MapResourceApi();
        foreach (var path in new[] { "/healthz", "/readyz", "/livez" })
        {
            app.MapGet(path, () => "ok");
        }
        app.MapFallback((HttpContext http) =>
            new ApiError(404, "NotFound", $"the server could not find the requested resource ({http.Request.Method} {http.Request.Path})").ToResult());
        return app;
    }
}
