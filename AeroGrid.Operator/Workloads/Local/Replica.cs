using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace AeroGrid.Operator.Workloads.Local;

/// <summary>
/// One supervised process of a revision: started with PORT set, ready once <c>/healthz</c> answers,
/// restarted with exponential backoff when it exits (CrashLoopBackOff), stopped with SIGTERM then SIGKILL.
/// </summary>
/// <remarks>
/// The process writes its output straight to the revision's log file (the shell redirects it before
/// exec), not through a pipe to the Operator: so it survives an Operator crash without a broken pipe,
/// and a restarted Operator can adopt it by pid, verified by the replica id in its environment.
/// </remarks>
internal sealed partial class Replica : IDisposable
{
    private const string ReplicaIdVariable = "AEROGRID_REPLICA_ID";
    private static readonly HttpClient Health = new() { Timeout = TimeSpan.FromSeconds(1) };
    private static readonly TimeSpan AdoptedPollInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan StableAfter = TimeSpan.FromSeconds(60);

    private readonly ReplicaSpec _spec;
    private readonly LocalRuntimeOptions _options;
    private readonly ILogger _logger;
    private readonly Action _changed;
    private readonly CancellationTokenSource _stopping = new();
    private Process? _process;
    private Task _supervision = Task.CompletedTask;
    private int _consecutiveFailures;

    private Replica(ReplicaSpec spec, string id, LocalRuntimeOptions options, ILogger logger, Action changed)
    {
        _spec = spec;
        Id = id;
        _options = options;
        _logger = logger;
        _changed = changed;
    }

    public string Id { get; }

    public int Pid { get; private set; }

    public int Port { get; private set; }

    public bool Ready { get; private set; }

    public int Restarts { get; private set; }

    public bool CrashLooping { get; private set; }

    public string? LastFailure { get; private set; }

    public string Endpoint => $"http://127.0.0.1:{Port}";

    /// <summary>Starts a new process; call <see cref="WaitReadyAsync"/> before sending it traffic.</summary>
    public static Replica Start(ReplicaSpec spec, LocalRuntimeOptions options, ILogger logger, Action changed)
    {
        var replica = new Replica(spec, Guid.NewGuid().ToString("N"), options, logger, changed);
        replica.Launch();
        replica._supervision = replica.SuperviseAsync();
        return replica;
    }

    /// <summary>Takes over a process a previous Operator started, if it still runs and is that replica; else null.</summary>
    public static async Task<Replica?> AdoptAsync(ReplicaSpec spec, string id, int pid, int port, LocalRuntimeOptions options, ILogger logger, Action changed)
    {
        if (!IsReplicaProcess(pid, id))
        {
            return null;
        }
        var replica = new Replica(spec, id, options, logger, changed) { Pid = pid, Port = port };
        replica.Ready = await replica.AnswersAsync(CancellationToken.None);
        replica._supervision = replica.SuperviseAsync();
        return replica;
    }

    /// <summary>Kills a process a previous Operator left behind (a twin of a rollout it did not finish).</summary>
    public static void KillLeftover(string id, int pid)
    {
        if (IsReplicaProcess(pid, id))
        {
            try
            {
                using var process = Process.GetProcessById(pid);
                process.Kill(entireProcessTree: true);
            }
            catch (ArgumentException)
            {
                // Exited meanwhile.
            }
        }
    }

    /// <summary>True once <c>/healthz</c> answers; false if the process exits first or the timeout passes.</summary>
    public async Task<bool> WaitReadyAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping.Token);
        deadline.CancelAfter(timeout);
        try
        {
            while (!await AnswersAsync(deadline.Token))
            {
                if (_process is { HasExited: true })
                {
                    return false;
                }
                await Task.Delay(50, deadline.Token);
            }
            Ready = true;
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
        }
        await _supervision;
        Dispose();
    }

    public void Dispose()
    {
        _stopping.Dispose();
        _process?.Dispose();
    }

    private void Launch()
    {
        Port = FreePort();
        var info = new ProcessStartInfo("/bin/sh")
        {
            WorkingDirectory = _spec.Directory,
            UseShellExecute = false,
            RedirectStandardInput = true,
        };
        // The shell only redirects and execs, so the pid is Python's own.
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add("exec \"$0\" -m aerogrid >> \"$AEROGRID_LOG\" 2>&1 < /dev/null");
        info.ArgumentList.Add(_spec.Python);
        info.Environment.Clear();
        info.Environment["PATH"] = Environment.GetEnvironmentVariable("PATH");
        info.Environment["HOME"] = Environment.GetEnvironmentVariable("HOME");
        info.Environment["LANG"] = "C.UTF-8";
        foreach (var (name, value) in _spec.Environment)
        {
            info.Environment[name] = value;
        }
        info.Environment["PORT"] = Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        info.Environment["AEROGRID_LOG"] = _spec.LogPath;
        info.Environment[ReplicaIdVariable] = Id;
        _process = Process.Start(info) ?? throw new InvalidOperationException("the app process did not start");
        _process.StandardInput.Close();
        Pid = _process.Id;
        LogStarted(_logger, _spec.Key, _spec.Revision, Pid, Port);
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
            Launch();
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
            if (_process is not null)
            {
                await _process.WaitForExitAsync(stop);
                return _process.ExitCode;
            }
            // Adopted: not our child, so no exit notification; a cheap liveness check instead.
            while (IsRunning())
            {
                await Task.Delay(AdoptedPollInterval, stop);
            }
            return null;
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

    private bool IsRunning()
    {
        if (_process is not null)
        {
            return !_process.HasExited;
        }
        return Signals.Exists(Pid);
    }

    private void Kill()
    {
        if (_process is not null)
        {
            _process.Kill(entireProcessTree: true);
        }
        else
        {
            Signals.Kill(Pid);
        }
    }

    // The replica id in /proc/<pid>/environ proves the pid was not reused by another process.
    private static bool IsReplicaProcess(int pid, string id)
    {
        try
        {
            var environ = File.ReadAllText($"/proc/{pid}/environ");
            return environ.Split('\0').Contains($"{ReplicaIdVariable}={id}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [LoggerMessage(EventId = 3101, Level = LogLevel.Information, Message = "{Key} revision {Revision}: started process {Pid} on port {Port}")]
    private static partial void LogStarted(ILogger logger, string key, long revision, int pid, int port);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Warning, Message = "{Key} revision {Revision}: process {Pid} crashed ({Failure}); restarting in {DelaySeconds} s")]
    private static partial void LogCrashed(ILogger logger, string key, long revision, int pid, string failure, double delaySeconds);

    [LoggerMessage(EventId = 3103, Level = LogLevel.Warning, Message = "{Key} revision {Revision}: process {Pid} ignored SIGTERM; killed")]
    private static partial void LogKilled(ILogger logger, string key, long revision, int pid);
}
