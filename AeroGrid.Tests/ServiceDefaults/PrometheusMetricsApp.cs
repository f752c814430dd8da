using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace AeroGrid.Tests.ServiceDefaults;

/// <summary>A service with one plain endpoint and a meter of its own, as AeroGrid components create them.</summary>
public sealed class PrometheusMetricsApp : ServiceDefaultsApp
{
    public const string Prefix = "/prometheus-test";
    public const string ServiceName = "prometheus-metrics-test";

    private Meter? _meter;

    /// <summary>An <c>AeroGrid.*</c> meter from the host's meter factory.</summary>
    public Meter Meter => _meter ?? throw new InvalidOperationException("The app has not started");

    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["OTEL_SERVICE_NAME"] = ServiceName,
    };

    protected override void MapEndpoints(WebApplication app) => app.MapGet($"{Prefix}/ping", () => "pong");

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        _meter = App.Services.GetRequiredService<IMeterFactory>().Create("AeroGrid.Tests.PrometheusMetrics");
    }
}
