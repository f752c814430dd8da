using System.Diagnostics;

namespace AeroGrid.Tests.Infrastructure;

/// <summary>The AppHost's pipeline as a person runs it (<c>--operation publish --step ...</c>): its exit code and what it printed.</summary>
internal static class AppHostPipeline
{
    /// <summary>Runs the built AppHost with <paramref name="arguments"/>; returns its exit code and stdout followed by stderr.</summary>
    public static async Task<(int ExitCode, string Printed)> RunAsync(IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        var binary = AeroGrid.AppHost.Hosting.Repository.ProjectBinary("AeroGrid.AppHost");
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(binary)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        info.ArgumentList.Add(binary);
        foreach (var arg in arguments)
        {
            info.ArgumentList.Add(arg);
        }
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(120));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}
