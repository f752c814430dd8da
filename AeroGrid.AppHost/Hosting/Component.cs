using System.Diagnostics;
using System.Globalization;

namespace AeroGrid.AppHost.Hosting;

/// <summary>
/// One platform service as a supervised child process: its output prefixed with its name, restarted
/// with backoff when it crashes, stopped with SIGTERM (then SIGKILL) when the AppHost stops. It also
/// watches the AppHost (AEROGRID_PARENT_PID) and exits if the AppHost dies without stopping it.
/// </summary>
internal sealed class Component(string name, string project, Uri health, IReadOnlyList<string> args) : IAsyncDisposable
{
    private static readonly TimeSpan GracePeriod = TimeSpan.FromSeconds(15);
    private readonly CancellationTokenSource _stopping = new();
    private Process? _process;
    private Task _supervision = Task.CompletedTask;

    public string Name { get; } = name;

    public Uri Health { get; } = health;

    public void Start() => _supervision = SuperviseAsync();

    /// <summary>Polls the health endpoint until it answers 200.</summary>
    public async Task WaitHealthyAsync(TimeSpan timeout)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                if ((await http.GetAsync(Health)).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // Still starting.
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"{Name} did not become healthy at {Health} within {timeout.TotalSeconds:F0} s");
    }

    private async Task SuperviseAsync()
    {
        var failures = 0;
        while (!_stopping.IsCancellationRequested)
        {
            var started = DateTime.UtcNow;
            _process = Launch();
            await _process.WaitForExitAsync(CancellationToken.None);
            if (_stopping.IsCancellationRequested)
            {
                return;
            }
            failures = DateTime.UtcNow - started > TimeSpan.FromMinutes(1) ? 1 : failures + 1;
            var delay = TimeSpan.FromSeconds(Math.Min(30, Math.Pow(2, failures - 1)));
            Console.Error.WriteLine($"[{Name}] exited with code {_process.ExitCode}; restarting in {delay.TotalSeconds:F0} s");
            try
            {
                await Task.Delay(delay, _stopping.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private Process Launch()
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(Repository.ProjectBinary(project))!,
        };
        info.ArgumentList.Add(Repository.ProjectBinary(project));
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        info.Environment["AEROGRID_PARENT_PID"] = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        info.Environment["OTEL_SERVICE_NAME"] = $"aerogrid-{Name}";
        var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {Name}");
        process.OutputDataReceived += (_, e) => Print(Console.Out, e.Data);
        process.ErrorDataReceived += (_, e) => Print(Console.Error, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private void Print(TextWriter writer, string? line)
    {
        if (line is not null)
        {
            writer.WriteLine($"[{Name}] {line}");
        }
    }

    /// <summary>SIGTERM, wait for a clean exit (the operator stops its apps), SIGKILL after the grace period.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        if (_process is { HasExited: false } process)
        {
            Posix.Terminate(process.Id);
            using var grace = new CancellationTokenSource(GracePeriod);
            try
            {
                await process.WaitForExitAsync(grace.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        await _supervision;
        _process?.Dispose();
        _stopping.Dispose();
    }
}
