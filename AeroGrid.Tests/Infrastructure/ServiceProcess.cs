using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace AeroGrid.Tests.Infrastructure;

/// <summary>One of the platform's services started as a real process, the way the AppHost starts it.</summary>
internal sealed class ServiceProcess : IAsyncDisposable
{
    private readonly Process _process;
    private const int FirstPort = 20_000;
    private const int LastPort = 32_000;

    // A random start, so two test runs on one machine rarely walk the same ports.
    private static int _nextPort = FirstPort + Random.Shared.Next(0, 10_000);

    private readonly StringBuilder _output = new();

    private ServiceProcess(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>What the process printed so far, for failure messages.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>What the process printed until <see cref="WaitHealthyAsync"/> last saw it healthy: its start-up.</summary>
    public string StartupOutput { get; private set; } = "";

    /// <summary>Starts <c>dotnet &lt;project&gt;.dll args</c> from the project's own build output.</summary>
    public static ServiceProcess Start(string project, IEnumerable<string> args, IDictionary<string, string>? environment = null)
    {
        var binary = AeroGrid.AppHost.Hosting.Repository.ProjectBinary(project);
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(binary)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(binary);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        info.Environment["DOTNET_ENVIRONMENT"] = "Production";
        info.Environment["AEROGRID_PARENT_PID"] = Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }
        return new ServiceProcess(Process.Start(info) ?? throw new InvalidOperationException($"could not start {project}"));
    }

    /// <summary>Polls <paramref name="url"/> until it answers 200, or fails with the process output.</summary>
    public async Task WaitHealthyAsync(Uri url, TimeSpan? timeout = null)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"the process exited with {_process.ExitCode}:\n{Output}");
            }
            try
            {
                if ((await http.GetAsync(url)).StatusCode == HttpStatusCode.OK)
                {
                    await WaitForHostStartedLineAsync();
                    StartupOutput = Output;
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // Slow to answer while starting.
            }
            await Task.Delay(50);
        }
        throw new TimeoutException($"{url} did not become healthy:\n{Output}");
    }

    /// <summary>
    /// The console logger writes from a queue on its own thread, so a fast service can answer its health endpoint before
    /// its start-up lines reach us: the start-up output ends with the host's "Application started." line.
    /// </summary>
    private async Task WaitForHostStartedLineAsync()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!Output.Contains("Application started.", StringComparison.Ordinal) && DateTime.UtcNow < deadline && !_process.HasExited)
        {
            await Task.Delay(20);
        }
    }

    /// <summary>
    /// SIGKILL: no chance to clean up, as in a crash or power loss of the process. Without
    /// <paramref name="descendants"/>, what it started lives on, as when only that process crashes.
    /// </summary>
    public async Task KillAsync(bool descendants = true)
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: descendants);
        }
        await _process.WaitForExitAsync();
    }

    /// <summary>SIGTERM, then wait for a clean exit.</summary>
    public async Task StopAsync(TimeSpan? timeout = null)
    {
        if (_process.HasExited)
        {
            return;
        }
        AeroGrid.Operator.Workloads.Local.Signals.Terminate(_process.Id);
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(15));
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            await KillAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
    }

    /// <summary>
    /// A port for a service under test: below the kernel's ephemeral range (where outgoing connections and the
    /// apps' own <c>bind(0)</c> ports come from), never handed out twice in one test run, and bindable right now.
    /// </summary>
    public static int FreePort()
    {
        while (true)
        {
            var port = Interlocked.Increment(ref _nextPort);
            if (port > LastPort)
            {
                Interlocked.CompareExchange(ref _nextPort, FirstPort, port);
                continue;
            }
            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                return port;
            }
            catch (SocketException)
            {
                // Taken: try the next.
            }
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
