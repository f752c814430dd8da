using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace AeroGrid.Operator.Workloads.Local;

/// <summary>
/// One supervised process of a revision: forked from its environment's warm interpreter when there is one, else
/// started cold; started with PORT set, ready once it says so (<see cref="ReadinessNotifications"/>) or <c>/healthz</c>
/// answers; restarted with exponential backoff when it exits (CrashLoopBackOff); stopped with SIGTERM then SIGKILL.
/// Each process leads its own process group, and what it started goes with it when it ends, as the processes of a
/// container go with its main process.
/// </summary>
/// <remarks>
/// The process writes its output straight to the revision's log file, not through a pipe to the Operator: so it
/// survives an Operator crash without a broken pipe, and a restarted Operator can adopt it by pid, verified by the
/// process's start time.
/// </remarks>
internal sealed partial class Replica : IDisposable
{
    private static readonly HttpClient Health = new() { Timeout = TimeSpan.FromSeconds(1) };
    private static readonly TimeSpan AdoptedPollInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan StableAfter = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan ReadinessPollInterval = TimeSpan.FromMilliseconds(50);

    private readonly ReplicaSpec _spec;
    private readonly ReplicaHost _host;
    private readonly LocalRuntimeOptions _options;
    private readonly ILogger _logger;
    private readonly Action _changed;
    private readonly CancellationTokenSource _stopping = new();
    private Task<int?> _exit = Task.FromResult<int?>(null);
    private Task _readySignal = Task.CompletedTask;
    private Task _supervision = Task.CompletedTask;
    private int _consecutiveFailures;

    private Replica(ReplicaSpec spec, string id, ReplicaHost host, Action changed)
    {
        _spec = spec;
        Id = id;
        _host = host;
        _options = host.Options;
        _logger = host.Logger;
        _changed = changed;
    }

    public string Id { get; }

    public int Pid { get; private set; }

    /// <summary>When the process started, in clock ticks since boot: with the pid, it names the process.</summary>
    public long StartTime { get; private set; }

    public int Port { get; private set; }

    public bool Ready { get; private set; }

    public int Restarts { get; private set; }

    public bool CrashLooping { get; private set; }

    public string? LastFailure { get; private set; }

    public string Endpoint => $"http://127.0.0.1:{Port}";

    /// <summary>Starts a new process; call <see cref="WaitReadyAsync"/> before sending it traffic.</summary>
    public static async Task<Replica> StartAsync(ReplicaSpec spec, ReplicaHost host, Action changed, CancellationToken cancellationToken)
    {
        var replica = new Replica(spec, Guid.NewGuid().ToString("N"), host, changed);
        await replica.LaunchAsync(cancellationToken);
        replica._supervision = replica.SuperviseAsync();
        return replica;
    }

    /// <summary>Takes over a process a previous Operator started, if it still runs and is that process; else null.</summary>
    public static async Task<Replica?> AdoptAsync(ReplicaSpec spec, ReplicaState state, ReplicaHost host, Action changed)
    {
        if (ProcessIdentity.StartTime(state.Pid) != state.StartTime)
        {
            return null;
        }
        var replica = new Replica(spec, state.Id, host, changed) { Pid = state.Pid, StartTime = state.StartTime, Port = state.Port };
        replica._exit = replica.PollExitAsync();
        replica.Ready = await replica.AnswersAsync(CancellationToken.None);
        replica._supervision = replica.SuperviseAsync();
        return replica;
    }

    /// <summary>True once <c>/healthz</c> answers; false if the process exits first or the timeout passes.</summary>
    public async Task<bool> WaitReadyAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping.Token);
        deadline.CancelAfter(timeout);
        var waiting = Stopwatch.GetTimestamp();
        try
        {
            // The SDK says when it listens; a process that never says (a plain script) is polled.
            while (!_readySignal.IsCompleted && !await AnswersAsync(deadline.Token))
            {
                if (_exit.IsCompleted)
                {
                    return false;
                }
                await Task.WhenAny(_readySignal, _exit, Task.Delay(ReadinessPollInterval, deadline.Token));
                deadline.Token.ThrowIfCancellationRequested();
            }
            Ready = true;
            var how = _readySignal.IsCompleted ? "it said so" : "it answered /healthz";
            var elapsed = Stopwatch.GetElapsedTime(waiting);
            LogReady(_logger, _spec.Key, _spec.Revision, Pid, elapsed.TotalMilliseconds, how);
            return true;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>SIGTERM, then SIGKILL after the grace period; no restart follows.</summary>
    public async Task StopAsync(TimeSpan gracePeriod)
    {
        await _stopping.CancelAsync();
        Ready = false;
        if (Pid != 0 && IsRunning())
        {
            Signals.Terminate(Pid);
            var deadline = DateTime.UtcNow + gracePeriod;
            while (IsRunning() && DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
            if (IsRunning())
            {
                LogKilled(_logger, _spec.Key, _spec.Revision, Pid);
                Kill();
            }
            Signals.Kill(-Pid);
        }
        await _supervision;
        _host.Readiness.Forget(Pid);
        Dispose();
    }

    public void Dispose()
    {
        _stopping.Dispose();
    }

    private async Task LaunchAsync(CancellationToken cancellationToken)
    {
        if (Pid != 0)
        {
            _host.Readiness.Forget(Pid);
        }
        Port = FreePort();
        var environment = PythonVariables.Base();
        foreach (var (name, value) in _spec.Environment)
        {
            environment[name] = value;
        }
        environment["PORT"] = Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        environment["AEROGRID_LOG"] = _spec.LogPath;
        environment["NOTIFY_SOCKET"] = _host.Readiness.Address;
        var how = "forked from a warm interpreter";
        if (_host.Interpreters.For(_spec.Python, _spec.Environment) is { } server
            && await server.ForkAsync(_spec.Directory, environment, _spec.LogPath, cancellationToken) is { } forked)
        {
            (Pid, _exit) = (forked.Pid, forked.Exited);
        }
        else
        {
            (Pid, _exit) = StartCold(environment);
            how = "cold";
        }
        StartTime = ProcessIdentity.StartTime(Pid) ?? 0;
        _readySignal = _host.Readiness.WhenReady(Pid);
        LogStarted(_logger, _spec.Key, _spec.Revision, Pid, Port, how);
    }

    private (int Pid, Task<int?> Exit) StartCold(Dictionary<string, string> environment)
    {
        var info = new ProcessStartInfo("/bin/sh")
        {
            WorkingDirectory = _spec.Directory,
            UseShellExecute = false,
            RedirectStandardInput = true,
        };
        // The shell only redirects and execs, so the pid is Python's own; setsid makes it lead its own group.
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add("exec setsid \"$0\" -m aerogrid >> \"$AEROGRID_LOG\" 2>&1 < /dev/null");
        info.ArgumentList.Add(_spec.Python);
        info.Environment.Clear();
        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }
        var process = Process.Start(info) ?? throw new InvalidOperationException("the app process did not start");
        process.StandardInput.Close();
        return (process.Id, ExitOfAsync(process));
    }

    private static async Task<int?> ExitOfAsync(Process process)
    {
        using (process)
        {
            await process.WaitForExitAsync();
            return process.ExitCode;
        }
    }

    /// <summary>The exit of a process that is not our child (adopted): no notification, so a cheap liveness check.</summary>
    /// <remarks>Not ended by stopping: <see cref="StopAsync"/> signals the process only while this says it runs.</remarks>
    private async Task<int?> PollExitAsync()
    {
        // Not IsRunning: this task is what it waits on.
        await ProcessIdentity.WhenGoneAsync(Pid, StartTime, AdoptedPollInterval, CancellationToken.None);
        return null;
    }

    private async Task SuperviseAsync()
    {
        var stop = _stopping.Token;
        while (!stop.IsCancellationRequested)
        {
            var started = DateTime.UtcNow;
            var exitCode = await WaitForExitAsync(stop);
            if (stop.IsCancellationRequested)
            {
                return;
            }
            Ready = false;
            Signals.Kill(-Pid);
            Restarts++;
            _consecutiveFailures = DateTime.UtcNow - started > StableAfter ? 1 : _consecutiveFailures + 1;
            LastFailure = exitCode is { } code ? $"the process exited with code {code}" : "the process exited";
            var delay = TimeSpan.FromTicks(Math.Min(_options.MaxRestartBackoff.Ticks,
                _options.RestartBackoff.Ticks * (1L << Math.Min(_consecutiveFailures - 1, 20))));
            CrashLooping = true;
            LogCrashed(_logger, _spec.Key, _spec.Revision, Pid, LastFailure, delay.TotalSeconds);
            _changed();
            try
            {
                await Task.Delay(delay, stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            try
            {
                await LaunchAsync(stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            _changed();
            if (await WaitReadyAsync(_options.ReadinessTimeout, CancellationToken.None))
            {
                CrashLooping = false;
                _changed();
            }
        }
    }

    private async Task<int?> WaitForExitAsync(CancellationToken stop)
    {
        try
        {
            return await _exit.WaitAsync(stop);
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    private async Task<bool> AnswersAsync(CancellationToken cancellationToken)
    {
        try
        {
            // Any answer below 500 means the server is up: a plain script binding $PORT may have no /healthz.
            using var response = await Health.GetAsync($"{Endpoint}/healthz", cancellationToken);
            return (int)response.StatusCode < 500;
        }
        catch (HttpRequestException)
        {
            return false;
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    private bool IsRunning() => !_exit.IsCompleted && ProcessIdentity.IsAlive(Pid, StartTime);

    private void Kill()
    {
        if (IsRunning())
        {
            KillTree(Pid);
        }
    }

    public static void KillTree(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            process.Kill(entireProcessTree: true);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            // Exited meanwhile.
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [LoggerMessage(EventId = 3101, Level = LogLevel.Information, Message = "{Key} revision {Revision}: started process {Pid} on port {Port} ({How})")]
    private static partial void LogStarted(ILogger logger, string key, long revision, int pid, int port, string how);

    [LoggerMessage(EventId = 3104, Level = LogLevel.Debug, Message = "{Key} revision {Revision}: process {Pid} ready after {Milliseconds:F1} ms ({How})")]
    private static partial void LogReady(ILogger logger, string key, long revision, int pid, double milliseconds, string how);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Warning, Message = "{Key} revision {Revision}: process {Pid} crashed ({Failure}); restarting in {DelaySeconds} s")]
    private static partial void LogCrashed(ILogger logger, string key, long revision, int pid, string failure, double delaySeconds);

    [LoggerMessage(EventId = 3103, Level = LogLevel.Warning, Message = "{Key} revision {Revision}: process {Pid} ignored SIGTERM; killed")]
    private static partial void LogKilled(ILogger logger, string key, long revision, int pid);
}
