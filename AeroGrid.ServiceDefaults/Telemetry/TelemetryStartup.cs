using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace AeroGrid.ServiceDefaults.Telemetry;

/// <summary>
/// Builds the tracer and meter providers before any hosted service starts, so the server's first request
/// is already traced and measured.
/// </summary>
/// <remarks>
/// <c>OpenTelemetry.Extensions.Hosting</c>, which does this in the SDK, is missing from the NuGet mirror
/// (../shared/ENVIRONMENT.md). The providers are container singletons: the host disposes them, which flushes
/// them, after the server has stopped and drained its requests.
/// </remarks>
internal sealed class TelemetryStartup(IServiceProvider services) : IHostedLifecycleService
{
    // Starting runs for every hosted service before any Start, Kestrel's included.
    public Task StartingAsync(CancellationToken cancellationToken)
    {
        services.GetRequiredService<TracerProvider>();
        services.GetRequiredService<MeterProvider>();
        return Task.CompletedTask;
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
