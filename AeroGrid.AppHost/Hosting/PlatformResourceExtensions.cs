using System.Globalization;
using AeroGrid.AppHost.Dashboard;
using Microsoft.Extensions.DependencyInjection;

namespace AeroGrid.AppHost.Hosting;

internal static class PlatformResourceExtensions
{
    // Aspire's names for its dashboard resource and the dashboard's OTLP/HTTP endpoint.
    private const string DashboardName = "aspire-dashboard";
    private const string DashboardOtlpHttp = "otlp-http";

    /// <summary>The tenants (namespaces) the control plane creates at start.</summary>
    public static IResourceBuilder<ProjectResource> WithTenants(this IResourceBuilder<ProjectResource> builder, IReadOnlyList<string> tenants)
    {
        for (var i = 0; i < tenants.Count; i++)
        {
            builder.WithEnvironment($"ControlPlane__Tenants__{i}", tenants[i]);
        }
        return builder;
    }

    /// <summary>Where apps' requirements install from: an index, or a folder of wheels and no index.</summary>
    public static IResourceBuilder<ProjectResource> WithPackageIndex(this IResourceBuilder<ProjectResource> builder, PlatformSettings settings)
    {
        if (settings.PipIndexUrl.Length > 0)
        {
            builder.WithEnvironment("Operator__Local__PipIndexUrl", settings.PipIndexUrl);
        }
        if (settings.PipFindLinks.Length > 0)
        {
            builder.WithEnvironment("Operator__Local__PipFindLinks__0", Path.GetFullPath(settings.PipFindLinks))
                .WithEnvironment("Operator__Local__PipNoIndex", "true");
        }
        return builder;
    }

    /// <summary>
    /// Apps' request spans go to the dashboard's OTLP/HTTP endpoint (the Python SDK speaks no gRPC): the dashboard's
    /// <c>otlp-http</c> endpoint, which it has when the launch profile sets <c>ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL</c>
    /// (its port allocated at start, so read when the Operator starts), with the API key Aspire gives the Operator's own exporter.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithAppTelemetry(this IResourceBuilder<ProjectResource> builder) =>
        builder.WithEnvironment(context =>
        {
            var dashboard = builder.ApplicationBuilder.Resources.OfType<IResourceWithEndpoints>().FirstOrDefault(r => r.Name == DashboardName);
            if (dashboard is null || !dashboard.Annotations.OfType<EndpointAnnotation>().Any(e => e.Name == DashboardOtlpHttp))
            {
                return;
            }
            context.EnvironmentVariables["Operator__AppTelemetry__OtlpEndpoint"] = dashboard.GetEndpoint(DashboardOtlpHttp);
            // Set by Aspire's own OTLP wiring of the project, which runs before this callback.
            if (context.EnvironmentVariables.TryGetValue("OTEL_EXPORTER_OTLP_HEADERS", out var headers))
            {
                context.EnvironmentVariables["Operator__AppTelemetry__Headers"] = headers;
            }
        });

    /// <summary>How often the service sends its metrics to the dashboard: Aspire sets every second for development.</summary>
    /// <remarks>
    /// Each export serializes every instrument's points and sends them over gRPC. At one second, the four services'
    /// exports (the first of each compiling the exporter's whole path) fall in the seconds they start in, on the same
    /// two cores: in a profile of the control plane's first 14 s under the AppHost they were 11 % of its CPU. Charts
    /// that move every few seconds read the same; OpenTelemetry's own default is a minute. Traces and logs keep
    /// Aspire's one-second batches.
    /// </remarks>
    public static IResourceBuilder<ProjectResource> WithMetricExportInterval(this IResourceBuilder<ProjectResource> builder, TimeSpan interval) =>
        builder.WithEnvironment("OTEL_METRIC_EXPORT_INTERVAL", ((long)interval.TotalMilliseconds).ToString(CultureInfo.InvariantCulture));

    /// <summary>Restarts the given services when they crash (see <see cref="CrashRestarter"/>).</summary>
    public static void RestartOnCrash(this IDistributedApplicationBuilder builder, params IResourceBuilder<IResource>[] services)
    {
        if (builder.ExecutionContext.IsRunMode)
        {
            var names = services.Select(service => service.Resource.Name).ToHashSet(StringComparer.Ordinal);
            builder.Services.AddHostedService(provider => ActivatorUtilities.CreateInstance<CrashRestarter>(provider, (IReadOnlySet<string>)names));
        }
    }

    /// <summary>Mirrors the platform's Apps and Images into the dashboard while the platform runs (not when publishing).</summary>
    public static void AddPlatformResourceMirror(this IDistributedApplicationBuilder builder, PlatformLinks links)
    {
        if (builder.ExecutionContext.IsRunMode)
        {
            builder.Services.AddSingleton(links);
            builder.Services.AddHostedService<PlatformResourceMirror>();
        }
    }
}
