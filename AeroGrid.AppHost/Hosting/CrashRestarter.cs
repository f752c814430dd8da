using System.Globalization;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AeroGrid.AppHost.Hosting;

/// <summary>
/// Starts a platform service again when it crashes (exits with a non-zero code while the AppHost runs), after a
/// backoff that doubles per crash up to 30 s and resets once it has run for a minute. A service a person stops from the
/// dashboard exits cleanly and stays stopped.
/// </summary>
/// <remarks>
/// DCP, Aspire's orchestrator, has restart policies for containers only; an executable or project that exits stays
/// down until someone presses Start. The platform's services hold its state for user apps and tokens, so the platform
/// restarts them itself through the dashboard's own Start command.
/// </remarks>
internal sealed partial class CrashRestarter(
    ResourceNotificationService notifications,
    ResourceCommandService commands,
    IHostApplicationLifetime lifetime,
    IReadOnlySet<string> services,
    ILogger<CrashRestarter> logger) : BackgroundService
{
    private static readonly TimeSpan StableAfter = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(30);

    // Per resource instance: crashes in a row, and when it last started (null while it is down). Only the watch loop touches it.
    private readonly Dictionary<string, (int Crashes, DateTimeOffset? Started)> _history = new(StringComparer.Ordinal);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var e in notifications.WatchAsync(stoppingToken))
            {
                if (!services.Contains(e.Resource.Name) || lifetime.ApplicationStopping.IsCancellationRequested)
                {
                    continue;
                }
                var state = e.Snapshot.State?.Text;
                var history = _history.GetValueOrDefault(e.ResourceId);
                if (state == KnownResourceStates.Running && history.Started is null)
                {
                    _history[e.ResourceId] = history with { Started = DateTimeOffset.UtcNow };
                }
                else if (state is "Exited" or "Finished" && e.Snapshot.ExitCode is { } code and not 0 && history.Started is { } started)
                {
                    var crashes = DateTimeOffset.UtcNow - started > StableAfter ? 1 : history.Crashes + 1;
                    var delay = TimeSpan.FromSeconds(Math.Min(MaxDelay.TotalSeconds, Math.Pow(2, crashes - 1)));
                    _history[e.ResourceId] = (crashes, null);
                    LogCrashed(logger, e.Resource.Name, code.ToString(CultureInfo.InvariantCulture), delay.TotalSeconds);
                    _ = RestartAsync(e.ResourceId, delay, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The AppHost is stopping.
        }
    }

    private async Task RestartAsync(string resourceId, TimeSpan delay, CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(delay, stoppingToken);
            var result = await commands.ExecuteCommandAsync(resourceId, KnownResourceCommands.StartCommand, stoppingToken);
            if (!result.Success)
            {
                LogRestartFailed(logger, resourceId, result.Message ?? "no reason given");
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The AppHost is stopping.
        }
    }

    [LoggerMessage(EventId = 1001, Level = LogLevel.Warning, Message = "{Service} exited with code {ExitCode}; restarting in {DelaySeconds} s")]
    private static partial void LogCrashed(ILogger logger, string service, string exitCode, double delaySeconds);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Error, Message = "{Service} could not be restarted: {Reason}")]
    private static partial void LogRestartFailed(ILogger logger, string service, string reason);
}
