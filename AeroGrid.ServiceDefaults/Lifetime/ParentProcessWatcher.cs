using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AeroGrid.ServiceDefaults.Lifetime;

/// <summary>
/// Stops this service when the process that started it is gone, so a crashed AppHost (or test run)
/// leaves no orphans. The parent passes its id in <c>AEROGRID_PARENT_PID</c>.
/// </summary>
/// <remarks>
/// Linux offers PR_SET_PDEATHSIG for this, but it must be set in the child between fork and exec,
/// which .NET's Process.Start gives no hook for; a cheap poll does the same job portably.
/// </remarks>
internal sealed partial class ParentProcessWatcher(IHostApplicationLifetime lifetime, ILogger<ParentProcessWatcher> logger) : BackgroundService
{
    public const string Variable = "AEROGRID_PARENT_PID";
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!int.TryParse(Environment.GetEnvironmentVariable(Variable), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
        {
            return;
        }
        using var timer = new PeriodicTimer(PollInterval);
        while (IsRunning(pid))
        {
            await timer.WaitForNextTickAsync(stoppingToken);
        }
        LogParentGone(logger, pid);
        lifetime.StopApplication();
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    [LoggerMessage(EventId = 100, Level = LogLevel.Warning, Message = "The parent process {Pid} is gone; stopping")]
    private static partial void LogParentGone(ILogger logger, int pid);
}
