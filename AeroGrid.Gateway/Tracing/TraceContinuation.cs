using System.Diagnostics;

namespace AeroGrid.Gateway.Tracing;

/// <summary>
/// Makes ASP.NET Core start an activity for every request, a child of the caller's <c>traceparent</c>, so the request the
/// gateway forwards carries the gateway's own span id in the same trace, whether or not a telemetry exporter listens.
/// </summary>
/// <remarks>
/// Without any listener ASP.NET Core may skip the activity, and the app would see the caller's span as its parent.
/// Listeners' sampling decisions combine to the highest, so this one never lowers an exporter's: it only follows the
/// caller's sampled flag, so the app records the traces the caller records.
/// </remarks>
internal sealed class TraceContinuation : IHostedService, IDisposable
{
    private const string AspNetCoreSource = "Microsoft.AspNetCore";

    private readonly ActivityListener _listener = new()
    {
        ShouldListenTo = source => source.Name == AspNetCoreSource,
        Sample = (ref ActivityCreationOptions<ActivityContext> options) =>
            options.Parent.TraceFlags.HasFlag(ActivityTraceFlags.Recorded)
                ? ActivitySamplingResult.AllDataAndRecorded
                : ActivitySamplingResult.PropagationData,
    };

    public Task StartAsync(CancellationToken cancellationToken)
    {
        ActivitySource.AddActivityListener(_listener);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose() => _listener.Dispose();
}
