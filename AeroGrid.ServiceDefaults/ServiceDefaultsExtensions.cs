using AeroGrid.ServiceDefaults.Lifetime;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// The one call every AeroGrid service makes, in the shape of Aspire's service-defaults template: OpenTelemetry,
/// health, service discovery, and exiting with the process that started it.
/// </summary>
public static class ServiceDefaultsExtensions
{
    private const string HealthPath = "/health";
    private const string AlivePath = "/alive";
    private const string MetricsPath = "/metrics";
    private const string LiveTag = "live";

    /// <summary>
    /// Health checks, OpenTelemetry and service discovery. Traces follow W3C <c>traceparent</c> in and out (ASP.NET Core
    /// and <see cref="System.Net.Http.HttpClient"/>); metrics are always scrapeable at <c>/metrics</c>. When
    /// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (Aspire sets it for every service), traces, metrics and logs are also
    /// exported over OTLP, configured by the standard <c>OTEL_*</c> settings. The service name is
    /// <c>OTEL_SERVICE_NAME</c>, else the application name.
    /// </summary>
    /// <remarks>
    /// Every <see cref="System.Net.Http.HttpClient"/> from the factory resolves service names, as in Aspire's template;
    /// unlike the template, none gets the standard resilience handler by default. AeroGrid's clients hold watches,
    /// followed logs and server-sent events open for minutes, relay a person's requests (POSTs included) to the API and
    /// to user apps, and the informer already backs off on its own: a 10 s attempt timeout, a 30 s total timeout and
    /// retries underneath would cut streams whose headers wait for the first line, answer a slow user app with a
    /// timeout of ours, and repeat requests that are not ours to repeat. A client whose calls are short or open a stream
    /// at once opts in where it is registered (the gateway's API client,
    /// <c>AeroGrid.Gateway/GatewayExtensions.cs</c>), with retries for safe methods only.
    /// </remarks>
    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        builder.AddOpenTelemetry();
        builder.Services.AddHealthChecks().AddCheck("self", () => HealthCheckResult.Healthy(), [LiveTag]);
        builder.Services.AddServiceDiscovery();
        builder.Services.ConfigureHttpClientDefaults(http => http.AddServiceDiscovery());
        builder.Services.AddHostedService<ParentProcessWatcher>();
        return builder;
    }

    /// <summary>
    /// <c>/health</c>: ready for traffic (every check). <c>/alive</c>: the process runs (live checks only).
    /// <c>/metrics</c>: the Prometheus scrape. All three answer without a token and are left out of traces.
    /// </summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.MapHealthChecks(HealthPath).AllowAnonymous();
        app.MapHealthChecks(AlivePath, new HealthCheckOptions { Predicate = check => check.Tags.Contains(LiveTag) }).AllowAnonymous();
        app.MapPrometheusScrapingEndpoint(MetricsPath).AllowAnonymous();
        return app;
    }

    private static void AddOpenTelemetry(this IHostApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var serviceName = configuration["OTEL_SERVICE_NAME"] is { Length: > 0 } name ? name : builder.Environment.ApplicationName;
        // Each signal builds its own resource: one instance id for the three lets a backend tell they come from one process.
        var instanceId = Guid.NewGuid().ToString();

        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(serviceName, serviceInstanceId: instanceId))
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter("AeroGrid.*")
                .AddPrometheusExporter())
            .WithTracing(tracing => tracing
                .AddSource("AeroGrid.*")
                // Probes and scrapes come from infrastructure every few seconds: they carry no token, and their spans
                // would bury the traces worth reading.
                .AddAspNetCoreInstrumentation(aspNetCore => aspNetCore.Filter = http => !IsInfrastructure(http.Request.Path))
                .AddHttpClientInstrumentation());

        if (!string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            telemetry.UseOtlpExporter();
        }
    }

    private static bool IsInfrastructure(PathString path) =>
        path.StartsWithSegments(HealthPath) || path.StartsWithSegments(AlivePath) || path.StartsWithSegments(MetricsPath);
}
