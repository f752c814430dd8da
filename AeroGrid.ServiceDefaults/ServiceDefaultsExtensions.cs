using System.Diagnostics;
using AeroGrid.ServiceDefaults.Lifetime;
using AeroGrid.ServiceDefaults.Metrics;
using AeroGrid.ServiceDefaults.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>The one call every AeroGrid service makes: health, telemetry, and exiting with the process that started it.</summary>
public static class ServiceDefaultsExtensions
{
    private const string LiveTag = "live";

    private static readonly string[] TraceSources = ["Microsoft.AspNetCore", "System.Net.Http", "AeroGrid.*"];

    private static readonly string[] Meters =
    [
        "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "System.Net.Http", "System.Runtime", "AeroGrid.*",
    ];

    /// <summary>
    /// Health checks and OpenTelemetry. Traces follow W3C <c>traceparent</c> in and out (ASP.NET Core and
    /// <see cref="System.Net.Http.HttpClient"/>); metrics are always scrapeable at <c>/metrics</c>. When
    /// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set, traces, metrics and logs are also exported over OTLP, configured
    /// by the standard <c>OTEL_*</c> settings. The service name is <c>OTEL_SERVICE_NAME</c>, else the application name.
    /// </summary>
    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddHealthChecks().AddCheck("self", () => HealthCheckResult.Healthy(), [LiveTag]);
        builder.Services.AddHostedService<ParentProcessWatcher>();
        builder.AddOpenTelemetry();
        return builder;
    }

    /// <summary>
    /// <c>/health</c>: ready for traffic (every check). <c>/alive</c>: the process runs (live checks only).
    /// <c>/metrics</c>: Prometheus text format. All three answer without a token and are left out of traces.
    /// </summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.MapHealthChecks("/health").AsInfrastructureEndpoint();
        app.MapHealthChecks("/alive", new HealthCheckOptions { Predicate = check => check.Tags.Contains(LiveTag) })
            .AsInfrastructureEndpoint();
        app.MapGet("/metrics", app.Services.GetRequiredService<PrometheusScrapeEndpoint>().HandleAsync)
            .AsInfrastructureEndpoint();
        return app;
    }

    private static void AddOpenTelemetry(this IHostApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var serviceName = configuration["OTEL_SERVICE_NAME"] is { Length: > 0 } name ? name : builder.Environment.ApplicationName;
        // One instance id for the three signals, so a backend can tell they come from the same process.
        var instanceId = Guid.NewGuid().ToString();
        var exportOtlp = !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);

        void DescribeService(ResourceBuilder resource) => resource.AddService(serviceName, serviceInstanceId: instanceId);

        // Sdk.Create*Builder() gives each provider a private container whose IConfiguration reads environment
        // variables only; handing it the host's configuration lets appsettings, command line and tests set OTEL_*.
        void UseHostConfiguration(IServiceCollection services) => services.AddSingleton<IConfiguration>(configuration);

        builder.Services.TryAddSingleton<PrometheusScrapeEndpoint>();
        builder.Services.TryAddSingleton(_ =>
        {
            var tracing = Sdk.CreateTracerProviderBuilder()
                .ConfigureServices(UseHostConfiguration)
                .ConfigureResource(DescribeService)
                .AddSource(TraceSources);
            return (exportOtlp ? tracing.AddOtlpExporter() : tracing).Build();
        });
        builder.Services.TryAddSingleton(services =>
        {
            var metrics = Sdk.CreateMeterProviderBuilder()
                .ConfigureServices(UseHostConfiguration)
                .ConfigureResource(DescribeService)
                .AddMeter(Meters)
                .AddReader(services.GetRequiredService<PrometheusScrapeEndpoint>().Reader);
            return (exportOtlp ? metrics.AddOtlpExporter() : metrics).Build();
        });
        builder.Services.AddHostedService<TelemetryStartup>();

        if (exportOtlp)
        {
            builder.Logging.AddOpenTelemetry(logging =>
            {
                logging.IncludeFormattedMessage = true;
                logging.IncludeScopes = true;
                var resource = ResourceBuilder.CreateDefault();
                DescribeService(resource);
                logging.SetResourceBuilder(resource);
                logging.AddOtlpExporter();
            });
        }
    }

    // Probes and scrapes come from infrastructure every few seconds: they carry no token, and their spans would
    // bury the traces worth reading. Clearing the sampled flag before the handler runs keeps the span from export.
    private static void AsInfrastructureEndpoint(this IEndpointConventionBuilder endpoint)
    {
        endpoint.AllowAnonymous();
        endpoint.Add(route =>
        {
            var handler = route.RequestDelegate
                ?? throw new InvalidOperationException($"{route.DisplayName} has no request delegate to wrap");
            route.RequestDelegate = context =>
            {
                if (context.Features.Get<IHttpActivityFeature>()?.Activity is { } activity)
                {
                    activity.IsAllDataRequested = false;
                    activity.ActivityTraceFlags &= ~ActivityTraceFlags.Recorded;
                }
                return handler(context);
            };
        });
    }
}
