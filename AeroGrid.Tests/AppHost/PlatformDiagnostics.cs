using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;

namespace AeroGrid.Tests.AppHost;

/// <summary>What a failed start looks like from the dashboard: each resource's state and the end of its console log.</summary>
internal static class PlatformDiagnostics
{
    public static async Task<string> DescribeAsync(DistributedApplication app, IEnumerable<string> resources)
    {
        var logs = app.Services.GetRequiredService<ResourceLoggerService>();
        var parts = new List<string>();
        foreach (var resource in resources)
        {
            if (!app.ResourceNotifications.TryGetCurrentState(resource, out var e))
            {
                parts.Add($"{resource}: not published");
                continue;
            }
            var state = $"{e.Snapshot.State?.Text} (health {e.Snapshot.HealthStatus?.ToString() ?? "unknown"}, exit code {e.Snapshot.ExitCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"})";
            var lines = new List<string>();
            using var enough = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            try
            {
                await foreach (var batch in logs.WatchAsync(e.ResourceId).WithCancellation(enough.Token))
                {
                    lines.AddRange(batch.Select(line => line.Content));
                }
            }
            catch (OperationCanceledException)
            {
                // What came in a second is what there is.
            }
            parts.Add($"{resource}: {state}\n  {string.Join("\n  ", lines.TakeLast(30))}");
        }
        return string.Join('\n', parts);
    }
}
