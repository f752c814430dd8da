using System.ComponentModel;
using System.Globalization;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using k8s.Models;

namespace AeroGrid.Tests.Infrastructure.Cluster;

/// <summary>
/// One container of a pod on the kubelet double: pulls its image from the node's store, runs it as a process, probes it,
/// restarts it by the pod's restartPolicy with the kubelet's back-off, and keeps its <c>containerStatuses</c> entry.
/// </summary>
/// <remarks>
/// Absolute paths of the container (workingDir, and command, args and env values that start with a mountPath) are
/// rewritten to the pod's folder, because the process shares this machine's filesystem. <c>AEROGRID_HOST</c> unset or
/// 0.0.0.0 (all addresses, as the platform's image binds) becomes the pod IP: the pod has no network namespace of its own.
/// Left out: env valueFrom and envFrom, startup and exec probes (a probe without httpGet or tcpSocket passes), resources,
/// security contexts, image entrypoints (a container needs a command).
/// </remarks>
internal sealed partial class ContainerRun(V1Container spec, PodSandbox sandbox, ContainerRuntime runtime, Action changed)
{
    private static readonly TimeSpan StableRun = TimeSpan.FromMinutes(10);
    private readonly Lock _gate = new();
    private V1ContainerState _state = new() { Waiting = new V1ContainerStateWaiting { Reason = "ContainerCreating" } };
    private V1ContainerState? _lastState;
    private int _restartCount;
    private bool _ready;
    private bool _started;
    private string? _containerId;
    private ContainerLog? _current;
    private ContainerLog? _previous;
    private int _pid;

    public string Name => spec.Name;

    /// <summary>The pid of the running process, if one runs.</summary>
    public int? Pid => Volatile.Read(ref _pid) is var pid and not 0 ? pid : null;

    /// <summary>Whether it ever started, for the pod's phase (Pending until every container has).</summary>
    public bool HasStarted
    {
        get
        {
            lock (_gate)
            {
                return _started;
            }
        }
    }

    /// <summary>
    /// The log of the latest run (running, or the one that ended last), or with <paramref name="previous"/> of the run in
    /// lastState, as the kubelet finds them by container ID.
    /// </summary>
    public ContainerLog? Log(bool previous)
    {
        lock (_gate)
        {
            return previous ? _previous : _current;
        }
    }

    public V1ContainerStatus Status()
    {
        lock (_gate)
        {
            return new V1ContainerStatus
            {
                Name = spec.Name,
                Image = spec.Image,
                ImageID = _started ? spec.Image : "",
                ContainerID = _containerId,
                State = _state,
                LastState = _lastState ?? new V1ContainerState(),
                RestartCount = _restartCount,
                Ready = _ready,
                Started = _state.Running is not null,
            };
        }
    }

    /// <summary>Runs the container until it is done by its restartPolicy, or until <paramref name="stop"/> (the pod goes).</summary>
    public async Task RunAsync(CancellationToken stop)
    {
        var (failures, pullFailures) = (0, 0);
        while (!stop.IsCancellationRequested)
        {
            var image = KanikoDouble.Runs(spec.Image) ? "" : runtime.Images.Find(spec.Image);
            if (image is null)
            {
                pullFailures++;
                Update(() => _state = Waiting("ErrImagePull", $"failed to pull image \"{spec.Image}\": not found in the node's image store"));
                await DelayAsync(BackOff(1), stop);
                Update(() => _state = Waiting("ImagePullBackOff", $"Back-off pulling image \"{spec.Image}\""));
                await DelayAsync(BackOff(pullFailures), stop);
                continue;
            }
            var started = DateTime.UtcNow;
            var log = new ContainerLog(Path.Combine(sandbox.Logs(spec.Name), $"{_restartCount}.log"));
            Update(() =>
            {
                _current = log;
                _containerId = $"aerogrid-double://{sandbox.Pod.Metadata.Uid}-{spec.Name}-{_restartCount}";
                _state = new V1ContainerState { Running = new V1ContainerStateRunning { StartedAt = started } };
                _started = true;
                _ready = spec.ReadinessProbe is null;
            });
            var (exitCode, startError) = await RunOnceAsync(image, log, stop);
            log.End();
            Volatile.Write(ref _pid, 0);
            var terminated = new V1ContainerStateTerminated
            {
                ExitCode = exitCode,
                Reason = startError is not null ? "StartError" : exitCode == 0 ? "Completed" : "Error",
                Message = startError,
                StartedAt = started,
                FinishedAt = DateTime.UtcNow,
                ContainerID = _containerId,
            };
            var policy = sandbox.Pod.Spec.RestartPolicy ?? "Always";
            if (stop.IsCancellationRequested || policy == "Never" || (policy == "OnFailure" && exitCode == 0))
            {
                Update(() => (_state, _ready) = (new V1ContainerState { Terminated = terminated }, false));
                return;
            }
            // The kubelet restarts at once after a first exit, then backs off; ten quiet minutes forget the failures.
            failures = DateTime.UtcNow - started > StableRun ? 1 : failures + 1;
            var delay = failures == 1 ? TimeSpan.Zero : BackOff(failures - 1);
            Update(() =>
            {
                (_lastState, _previous) = (new V1ContainerState { Terminated = terminated }, log);
                _state = delay == TimeSpan.Zero
                    ? new V1ContainerState { Terminated = terminated }
                    : Waiting("CrashLoopBackOff", $"back-off {delay.TotalSeconds:0}s restarting failed container={spec.Name} pod={sandbox.Pod.Metadata.Name}");
                _restartCount++;
                _ready = false;
            });
            await DelayAsync(delay, stop);
        }
    }

    /// <summary>One run: its exit code, and why it could not start if it could not (exit code 128, as containerd reports it).</summary>
    private async Task<(int ExitCode, string? StartError)> RunOnceAsync(string image, ContainerLog log, CancellationToken stop)
    {
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(stop);
        var probes = Task.WhenAll(
            ProbeAsync(spec.ReadinessProbe, ready => Update(() => _ready = ready), attempt.Token),
            ProbeAsync(spec.LivenessProbe, alive =>
            {
                if (!alive)
                {
                    attempt.Cancel();
                }
            }, attempt.Token));
        var workingDirectory = WorkingDirectory();
        (int, string?) outcome;
        try
        {
            outcome = (KanikoDouble.Runs(spec.Image)
                ? await runtime.Kaniko.BuildAsync([.. spec.Command ?? [], .. spec.Args ?? []], path => sandbox.MapPath(spec, path),
                    [.. (spec.VolumeMounts ?? []).Select(mount => mount.MountPath)], workingDirectory, log,
                    pid => Volatile.Write(ref _pid, pid), sandbox.GracePeriod, attempt.Token)
                : await StartProcessAsync(image, workingDirectory, log, attempt.Token), null);
        }
        catch (Exception e) when (e is Win32Exception or InvalidOperationException)
        {
            outcome = (128, $"failed to create containerd task: {e.Message}");
        }
        await attempt.CancelAsync();
        await probes;
        return outcome;
    }

    private Task<int> StartProcessAsync(string image, string workingDirectory, ContainerLog log, CancellationToken stop)
    {
        List<string> argv = [.. (spec.Command ?? []).Concat(spec.Args ?? []).Select(arg => sandbox.MapPath(spec, arg))];
        if (argv.Count == 0)
        {
            throw new InvalidOperationException("the container has no command, and the double knows no image entrypoint");
        }
        if (PythonCommand().IsMatch(argv[0]))
        {
            argv[0] = runtime.Options.Python;
        }
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["PATH"] = Environment.GetEnvironmentVariable("PATH") ?? "",
            ["HOME"] = ContainerDirectory(),
            ["LANG"] = "C.UTF-8",
            ["HOSTNAME"] = sandbox.Pod.Metadata.Name,
            ["PYTHONPATH"] = image,
            ["AEROGRID_HOST"] = "0.0.0.0",
        };
        foreach (var variable in spec.Env ?? [])
        {
            environment[variable.Name] = sandbox.MapPath(spec, variable.Value ?? "");
        }
        if (environment["AEROGRID_HOST"] == "0.0.0.0")
        {
            environment["AEROGRID_HOST"] = sandbox.Address.ToString();
        }
        return ContainerProcess.RunAsync(argv, workingDirectory, environment, log, pid => Volatile.Write(ref _pid, pid), sandbox.GracePeriod, stop);
    }

    private string WorkingDirectory()
    {
        var directory = spec.WorkingDir is { Length: > 0 } workingDir && sandbox.MapPath(spec, workingDir) is var mapped && mapped != workingDir
            ? mapped
            : ContainerDirectory();
        Directory.CreateDirectory(directory);
        return directory;
    }

    /// <summary>The container's own folder, for what its image's filesystem would hold (HOME, an unmounted workingDir).</summary>
    private string ContainerDirectory()
    {
        var directory = Path.Combine(sandbox.Directory, "containers", spec.Name);
        Directory.CreateDirectory(directory);
        return directory;
    }

    /// <summary>
    /// Runs a probe every periodSeconds after initialDelaySeconds, telling <paramref name="report"/> true after
    /// successThreshold successes in a row and false after failureThreshold failures in a row.
    /// </summary>
    private async Task ProbeAsync(V1Probe? probe, Action<bool> report, CancellationToken stop)
    {
        if (probe is null)
        {
            return;
        }
        var (successes, failures) = (0, 0);
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(probe.InitialDelaySeconds ?? 0), stop);
            while (!stop.IsCancellationRequested)
            {
                if (await CheckAsync(probe, stop))
                {
                    (successes, failures) = (successes + 1, 0);
                    if (successes == (probe.SuccessThreshold ?? 1))
                    {
                        report(true);
                    }
                }
                else
                {
                    (successes, failures) = (0, failures + 1);
                    if (failures == (probe.FailureThreshold ?? 3))
                    {
                        report(false);
                    }
                }
                await Task.Delay(TimeSpan.FromSeconds(probe.PeriodSeconds ?? 10), stop);
            }
        }
        catch (OperationCanceledException)
        {
            // The run ended.
        }
    }

    private async Task<bool> CheckAsync(V1Probe probe, CancellationToken stop)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stop);
        timeout.CancelAfter(TimeSpan.FromSeconds(probe.TimeoutSeconds ?? 1));
        try
        {
            if (probe.HttpGet is { } http)
            {
                var uri = new UriBuilder(Uri.UriSchemeHttp, http.Host ?? sandbox.Address.ToString(), Port(http.Port), http.Path ?? "/").Uri;
                using var response = await runtime.Prober.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
                return (int)response.StatusCode is >= 200 and < 400;
            }
            if (probe.TcpSocket is { } tcp)
            {
                using var client = new TcpClient();
                await client.ConnectAsync(tcp.Host ?? sandbox.Address.ToString(), Port(tcp.Port), timeout.Token);
            }
            return true;
        }
        catch (Exception e) when (e is HttpRequestException or SocketException or OperationCanceledException or InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>A probe's port, by number or by the name of one of the container's ports.</summary>
    private int Port(IntOrString port) =>
        int.TryParse(port.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            ? number
            : (spec.Ports ?? []).FirstOrDefault(p => p.Name == port.Value)?.ContainerPort
                ?? throw new InvalidOperationException($"container {spec.Name} has no port named {port.Value}");

    private TimeSpan BackOff(int failures) =>
        TimeSpan.FromTicks(Math.Min(runtime.Options.MaxBackOff.Ticks, runtime.Options.BackOff.Ticks * (1L << Math.Min(failures - 1, 20))));

    /// <summary><c>python</c>, <c>python3</c> or <c>python3.N</c>, by name or by path: the image's interpreter.</summary>
    [GeneratedRegex(@"^(.*/)?python(3(\.[0-9]+)?)?$")]
    private static partial Regex PythonCommand();

    private static V1ContainerState Waiting(string reason, string message) =>
        new() { Waiting = new V1ContainerStateWaiting { Reason = reason, Message = message } };

    private static async Task DelayAsync(TimeSpan delay, CancellationToken stop)
    {
        try
        {
            await Task.Delay(delay, stop);
        }
        catch (OperationCanceledException)
        {
            // The pod goes.
        }
    }

    private void Update(Action change)
    {
        lock (_gate)
        {
            change();
        }
        changed();
    }
}
