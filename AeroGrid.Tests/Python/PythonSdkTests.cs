using System.Diagnostics;
using AeroGrid.Tests.Infrastructure;

namespace AeroGrid.Tests.Python;

/// <summary>
/// Runs the Python SDK's own unittest suite (python/tests), so that <c>dotnet test</c> covers it.
/// The suite starts real <c>python -m aerogrid</c> processes; it needs only the machine's python3.
/// </summary>
public sealed class PythonSdkTests(ITestOutputHelper output)
{
    [Fact]
    public async Task The_python_sdk_unittest_suite_passes()
    {
        var start = new ProcessStartInfo("python3")
        {
            WorkingDirectory = RepoPaths.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "-m", "unittest", "discover", "-s", "python/tests", "-v" })
        {
            start.ArgumentList.Add(arg);
        }
        start.Environment["PYTHONDONTWRITEBYTECODE"] = "1";

        using var process = Process.Start(start) ?? throw new InvalidOperationException("python3 did not start");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(2));
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        // unittest reports on stderr.
        var report = (await stdout) + (await stderr);
        output.WriteLine(report);
        Assert.True(process.ExitCode == 0, $"python/tests failed (exit code {process.ExitCode}):\n{report}");
    }
}
