using System.Collections.Concurrent;
using System.Text.Json;
using AeroGrid.Api.Client;
using AeroGrid.Operator.Logs;
using Microsoft.Extensions.Options;

namespace AeroGrid.Operator.Workloads.Local;

/// <summary>
/// Apps as processes on this machine. Each revision's files live in <c>apps/&lt;ns&gt;/&lt;app&gt;/rev-N/</c>,
/// its output in <c>rev-N.log</c>; <c>state.json</c> names the serving revision's processes so that a
/// restarted Operator adopts them instead of starting twins, and kills every other process working in those
/// folders: what an unfinished rollout started, or a replaced revision not yet released.
/// Stopping the Operator stops every app process.
/// </summary>
internal sealed partial class LocalAppRuntime(
    IOptions<LocalRuntimeOptions> options, IOptions<AppTelemetryOptions> telemetry, WarmInterpreters interpreters, ILogger<LocalAppRuntime> logger)
    : IAppRuntime, IHostedService, IDisposable
{
    private static readonly TimeSpan LogCheckInterval = TimeSpan.FromSeconds(30);
    private static readonly JsonSerializerOptions StateJson = new(JsonSerializerDefaults.Web) { WriteIndented = true };
    private readonly ConcurrentDictionary<string, AppSlot> _apps = new(StringComparer.Ordinal);
    private readonly LocalRuntimeOptions _options = options.Value;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ReadinessNotifications _readiness = new();
    private Task _logBounds = Task.CompletedTask;

    public event Action<string>? Changed;

    private ReplicaHost Host => new(_options, interpreters, _readiness, logger);

    private string AppsDirectory => Path.Combine(_options.DataDirectory, "apps");

    public ValueTask<AppWorkload?> ObserveAsync(string @namespace, string name, CancellationToken cancellationToken) =>
        ValueTask.FromResult(Observe(@namespace, name));

    private AppWorkload? Observe(string @namespace, string name)
    {
        if (!_apps.TryGetValue(ObjectKey.Of(@namespace, name), out var slot) || slot.Serving is not { } serving)
        {
            return null;
        }
        var replicas = serving.Replicas.ToList();
        return new AppWorkload(
            serving.Spec.Revision,
            serving.Hash,
            replicas.Count,
            [.. replicas.Where(r => r.Ready).Select(r => r.Endpoint)],
            replicas.Sum(r => r.Restarts),
            replicas.Any(r => r.CrashLooping),
            replicas.Select(r => r.LastFailure).LastOrDefault(f => f is not null));
    }

    public async Task<RolloutResult> RolloutAsync(AppRevision revision, CancellationToken cancellationToken)
    {
        var key = ObjectKey.Of(revision.Namespace, revision.Name);
        var slot = _apps.GetOrAdd(key, _ => new AppSlot());
        await slot.Gate.WaitAsync(cancellationToken);
        try
        {
            var appDirectory = AppDirectory(revision.Namespace, revision.Name);
            var directory = Path.Combine(appDirectory, $"rev-{revision.Revision}");
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
            Directory.CreateDirectory(directory);
            foreach (var file in revision.Files)
            {
                var path = Path.Combine(directory, file.Path);
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                await File.WriteAllTextAsync(path, file.Content, cancellationToken);
            }
            var environment = new Dictionary<string, string>(PythonVariables.InterpreterOptions(_options.SdkPath), StringComparer.Ordinal)
            {
                ["AEROGRID_ENTRYPOINT"] = revision.Entrypoint,
                ["AEROGRID_TENANT"] = revision.Namespace,
                ["AEROGRID_APP"] = revision.Name,
                ["AEROGRID_REVISION"] = revision.Revision.ToString(System.Globalization.CultureInfo.InvariantCulture),
            };
            foreach (var (name, value) in telemetry.Value.Variables(revision))
            {
                environment[name] = value;
            }
            foreach (var variable in revision.Env)
            {
                environment[variable.Name] = variable.Value;
            }
            var spec = new ReplicaSpec(key, revision.Revision, Path.Combine(revision.Image, "bin", "python"), directory,
                Path.Combine(appDirectory, $"rev-{revision.Revision}.log"), environment);
            var set = new RevisionSet(spec, revision.Hash);
            bool[] ready;
            try
            {
                for (var i = 0; i < Math.Max(1, revision.Replicas); i++)
                {
                    set.Replicas.Add(await Replica.StartAsync(spec, Host, () => OnChanged(key, slot), cancellationToken));
                }
                ready = await Task.WhenAll(set.Replicas.Select(r => r.WaitReadyAsync(_options.ReadinessTimeout, cancellationToken)));
            }
            catch
            {
                // Cancelled (the Operator is stopping) or broken: the new processes must not outlive the attempt.
                await StopSetAsync(set, TimeSpan.FromSeconds(1));
                throw;
            }
            if (!ready.All(r => r))
            {
                var exited = set.Replicas.Any(r => r.Restarts > 0 || r.CrashLooping) || !ready.Any(r => r);
                await StopSetAsync(set, TimeSpan.FromSeconds(1));
                Directory.Delete(directory, recursive: true);
                // Paths relative to the app's own files: the person knows app.py, not the Operator's data directory.
                var tail = ProcessRunner.Tail(spec.LogPath, 30).Replace(directory + Path.DirectorySeparatorChar, "", StringComparison.Ordinal);
                var message = exited && tail.Length > 0
                    ? $"revision {revision.Revision} stopped before it was ready: {LastLine(tail)}"
                    : $"revision {revision.Revision} did not answer /healthz within {_options.ReadinessTimeout.TotalSeconds:F0} s";
                LogRolloutFailed(logger, key, revision.Revision, message);
                return RolloutResult.Failure(message, tail);
            }

            if (slot.Previous is { } older)
            {
                await StopSetAsync(older, _options.GracePeriod);
                DeleteRevision(older);
            }
            slot.Previous = slot.Serving;
            slot.Serving = set;
            await WriteStateAsync(StatePath(appDirectory), set);
            LogRolledOut(logger, key, revision.Revision);
            return RolloutResult.Success;
        }
        finally
        {
            slot.Gate.Release();
        }
    }

    public void ReleasePreviousRevision(string @namespace, string name)
    {
        if (!_apps.TryGetValue(ObjectKey.Of(@namespace, name), out var slot) || Interlocked.Exchange(ref slot.Previous, null) is not { } previous)
        {
            return;
        }
        slot.Releasing = Task.Run(async () =>
        {
            // Traffic has moved; let requests already on their way finish before SIGTERM.
            await Task.Delay(_options.DrainDelay);
            await StopSetAsync(previous, _options.GracePeriod);
            DeleteRevision(previous);
        });
    }

    public async Task ScaleAsync(string @namespace, string name, int replicas, CancellationToken cancellationToken)
    {
        var key = ObjectKey.Of(@namespace, name);
        if (!_apps.TryGetValue(key, out var slot) || slot.Serving is not { } serving || serving.Replicas.Count == replicas)
        {
            return;
        }
        await slot.Gate.WaitAsync(cancellationToken);
        try
        {
            while (serving.Replicas.Count > Math.Max(1, replicas))
            {
                var extra = serving.Replicas[^1];
                serving.Replicas.RemoveAt(serving.Replicas.Count - 1);
                await extra.StopAsync(_options.GracePeriod);
            }
            while (serving.Replicas.Count < replicas)
            {
                var added = await Replica.StartAsync(serving.Spec, Host, () => OnChanged(key, slot), cancellationToken);
                serving.Replicas.Add(added);
                await added.WaitReadyAsync(_options.ReadinessTimeout, cancellationToken);
            }
            await WriteStateAsync(StatePath(AppDirectory(@namespace, name)), serving);
        }
        finally
        {
            slot.Gate.Release();
        }
    }

    public async Task StopAsync(string @namespace, string name, bool removeFiles, CancellationToken cancellationToken)
    {
        var key = ObjectKey.Of(@namespace, name);
        if (_apps.TryRemove(key, out var slot))
        {
            await slot.Gate.WaitAsync(cancellationToken);
            try
            {
                await Task.WhenAll(new[] { slot.Serving, slot.Previous }.OfType<RevisionSet>().Select(set => StopSetAsync(set, _options.GracePeriod)));
                await slot.Releasing;
                slot.Serving = slot.Previous = null;
            }
            finally
            {
                slot.Gate.Release();
            }
        }
        var directory = AppDirectory(@namespace, name);
        if (!Directory.Exists(directory))
        {
            return;
        }
        if (removeFiles)
        {
            Directory.Delete(directory, recursive: true);
        }
        else
        {
            File.Delete(StatePath(directory));
        }
    }

    public Task<Stream?> OpenLogAsync(string @namespace, string name, long? revision, bool follow, int? tailLines, CancellationToken cancellationToken)
    {
        // Followed while the revision is there; it is gone when a newer one replaced it or the app was deleted.
        var path = LogPath(@namespace, name, revision);
        return Task.FromResult<Stream?>(path is not null && File.Exists(path) ? new FollowedFile(path, tailLines, follow ? () => File.Exists(path) : null) : null);
    }

    private string? LogPath(string @namespace, string name, long? revision)
    {
        var directory = AppDirectory(@namespace, name);
        if (revision is null && _apps.TryGetValue(ObjectKey.Of(@namespace, name), out var slot) && slot.Serving is { } serving)
        {
            return serving.Spec.LogPath;
        }
        if (revision is not null)
        {
            var path = Path.Combine(directory, $"rev-{revision}.log");
            return File.Exists(path) ? path : null;
        }
        return Directory.Exists(directory)
            ? Directory.GetFiles(directory, "rev-*.log").OrderByDescending(File.GetLastWriteTimeUtc).FirstOrDefault()
            : null;
    }

    /// <summary>Adopts what a previous Operator left serving and removes everything else it left.</summary>
    /// <remarks>
    /// What is not adopted is found by working directory, not by a record: a process started by a rollout the
    /// previous Operator did not finish may have been running before anything could record its pid.
    /// </remarks>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _logBounds = BoundLogsAsync(_stopping.Token);
        if (!Directory.Exists(AppsDirectory))
        {
            return;
        }
        var appDirectories = Directory.GetDirectories(AppsDirectory).SelectMany(Directory.GetDirectories).ToList();
        var serving = new HashSet<string>(StringComparer.Ordinal);
        foreach (var appDirectory in appDirectories)
        {
            if (await ReadStateAsync(StatePath(appDirectory)) is { } state)
            {
                await AdoptAsync(state);
                serving.Add(state.Spec.Directory);
            }
        }
        var adopted = _apps.Values.SelectMany(slot => slot.Serving?.Replicas ?? []).Select(r => r.Pid).ToHashSet();
        foreach (var pid in ProcessIdentity.WorkingUnder(AppsDirectory).Where(pid => !ProcessIdentity.DescendsFrom(pid, adopted)))
        {
            LogLeftoverKilled(logger, pid);
            Replica.KillTree(pid);
        }
        foreach (var leftover in appDirectories.SelectMany(app => Directory.GetDirectories(app, "rev-*")).Where(d => !serving.Contains(d)))
        {
            Directory.Delete(leftover, recursive: true);
        }
    }

    /// <summary>Stops every app process: nothing the platform started outlives it.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await _logBounds;
        var slots = _apps.Values.ToList();
        _apps.Clear();
        await Task.WhenAll(slots.Select(async slot =>
        {
            // Waits out a rollout in flight: cancelled with the controllers, it stops what it started.
            await slot.Gate.WaitAsync(CancellationToken.None);
            await Task.WhenAll(new[] { slot.Serving, slot.Previous }.OfType<RevisionSet>().Select(set => StopSetAsync(set, _options.GracePeriod)));
            await slot.Releasing;
        }));
    }

    public void Dispose()
    {
        _readiness.Dispose();
        _stopping.Dispose();
    }

    private async Task AdoptAsync(RevisionState state)
    {
        var key = state.Spec.Key;
        var slot = _apps.GetOrAdd(key, _ => new AppSlot());
        var set = new RevisionSet(state.Spec, state.Hash);
        foreach (var replica in state.Replicas)
        {
            var adopted = await Replica.AdoptAsync(state.Spec, replica, Host, () => OnChanged(key, slot));
            // Gone while the Operator was away (or the machine restarted): start it again.
            set.Replicas.Add(adopted ?? await Replica.StartAsync(state.Spec, Host, () => OnChanged(key, slot), CancellationToken.None));
        }
        slot.Serving = set;
        LogAdopted(logger, key, state.Spec.Revision, set.Replicas.Count);
        await WriteStateAsync(StatePath(Path.GetDirectoryName(state.Spec.Directory)!), set);
        _ = WatchReadinessAsync(key, set);
    }

    private async Task WatchReadinessAsync(string key, RevisionSet set)
    {
        await Task.WhenAll(set.Replicas.Select(r => r.WaitReadyAsync(_options.ReadinessTimeout, CancellationToken.None)));
        Changed?.Invoke(key);
    }

    /// <summary>Keeps each serving revision's log under <see cref="LocalRuntimeOptions.MaxLogBytes"/>: past it, only the newest half stays.</summary>
    /// <remarks>The processes append with O_APPEND, so they keep writing at the new end; lines written during the cut may be lost.</remarks>
    private async Task BoundLogsAsync(CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(LogCheckInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stopping))
            {
                foreach (var path in _apps.Values.Select(slot => slot.Serving?.Spec.LogPath).OfType<string>())
                {
                    TrimLog(path, _options.MaxLogBytes);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    internal static void TrimLog(string path, long maxBytes)
    {
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
            if (file.Length <= maxBytes)
            {
                return;
            }
            var keep = new byte[maxBytes / 2];
            file.Seek(-keep.Length, SeekOrigin.End);
            file.ReadExactly(keep);
            file.SetLength(0);
            file.Write(keep);
        }
        catch (IOException)
        {
            // Gone with its revision.
        }
    }

    private void OnChanged(string key, AppSlot slot)
    {
        // A restart moves a process to a new pid and port: keep state.json true for adoption.
        if (slot.Serving is { } serving)
        {
            _ = WriteStateAsync(StatePath(Path.GetDirectoryName(serving.Spec.Directory)!), serving);
        }
        Changed?.Invoke(key);
    }

    private static async Task StopSetAsync(RevisionSet set, TimeSpan gracePeriod) =>
        await Task.WhenAll(set.Replicas.ToList().Select(r => r.StopAsync(gracePeriod)));

    private static void DeleteRevision(RevisionSet set)
    {
        if (Directory.Exists(set.Spec.Directory))
        {
            Directory.Delete(set.Spec.Directory, recursive: true);
        }
        File.Delete(set.Spec.LogPath);
    }

    private string AppDirectory(string @namespace, string name) => Path.Combine(AppsDirectory, @namespace, name);

    private static string StatePath(string appDirectory) => Path.Combine(appDirectory, "state.json");

    private static async Task WriteStateAsync(string path, RevisionSet set)
    {
        var state = new RevisionState(set.Spec, set.Hash, [.. set.Replicas.ToList().Select(r => new ReplicaState(r.Id, r.Pid, r.Port, r.StartTime))]);
        var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        await File.WriteAllTextAsync(temporary, JsonSerializer.Serialize(state, StateJson));
        File.Move(temporary, path, overwrite: true);
    }

    private static async Task<RevisionState?> ReadStateAsync(string path)
    {
        try
        {
            return JsonSerializer.Deserialize<RevisionState>(await File.ReadAllTextAsync(path), StateJson);
        }
        catch (Exception e) when (e is IOException or JsonException)
        {
            return null;
        }
    }

    private static string LastLine(string text) => text.Split('\n').Select(l => l.Trim()).LastOrDefault(l => l.Length > 0) ?? "";

    [LoggerMessage(EventId = 3201, Level = LogLevel.Information, Message = "{Key} revision {Revision} is serving")]
    private static partial void LogRolledOut(ILogger logger, string key, long revision);

    [LoggerMessage(EventId = 3202, Level = LogLevel.Warning, Message = "{Key} revision {Revision} failed: {Reason}; what served before is untouched")]
    private static partial void LogRolloutFailed(ILogger logger, string key, long revision, string reason);

    [LoggerMessage(EventId = 3203, Level = LogLevel.Information, Message = "{Key} revision {Revision}: adopted {Replicas} processes left by a previous Operator")]
    private static partial void LogAdopted(ILogger logger, string key, long revision, int replicas);

    [LoggerMessage(EventId = 3204, Level = LogLevel.Information, Message = "Killed process {Pid}, left running by a previous Operator in a revision it did not finish or had replaced")]
    private static partial void LogLeftoverKilled(ILogger logger, int pid);

    /// <summary>The processes of one app: the serving revision, and the one it replaced until that is released.</summary>
    private sealed class AppSlot
    {
        public readonly SemaphoreSlim Gate = new(1, 1);
        public RevisionSet? Serving;
        public RevisionSet? Previous;

        /// <summary>The replaced revision being drained and stopped; stopping the app waits for it.</summary>
        public Task Releasing = Task.CompletedTask;
    }

    private sealed record RevisionSet(ReplicaSpec Spec, string Hash)
    {
        public List<Replica> Replicas { get; } = [];
    }
}
