using AeroGrid.Api.Resources;

namespace AeroGrid.Operator.Workloads;

/// <summary>
/// Runs apps' revisions. Locally processes on this machine; in a cluster a ConfigMap, Deployment and Service.
/// Calls for one app come one at a time (the controller reconciles a key at a time).
/// </summary>
internal interface IAppRuntime
{
    /// <summary>What serves the app now, or null when nothing runs.</summary>
    ValueTask<AppWorkload?> ObserveAsync(string @namespace, string name, CancellationToken cancellationToken);

    /// <summary>
    /// Starts the revision next to the serving one and waits until it is ready. On success it serves
    /// (call <see cref="ReleasePreviousRevision"/> once traffic moved); on failure it is gone and the
    /// serving revision is untouched.
    /// </summary>
    Task<RolloutResult> RolloutAsync(AppRevision revision, CancellationToken cancellationToken);

    /// <summary>Stops the revision that served before the last successful rollout, after a drain delay.</summary>
    void ReleasePreviousRevision(string @namespace, string name);

    /// <summary>Sets the number of processes of the serving revision.</summary>
    Task ScaleAsync(string @namespace, string name, int replicas, CancellationToken cancellationToken);

    /// <summary>Stops every process of the app; with <paramref name="removeFiles"/> its files and logs go too.</summary>
    Task StopAsync(string @namespace, string name, bool removeFiles, CancellationToken cancellationToken);

    /// <summary>
    /// The app's log: the serving (or last attempted) revision's output, or its last <paramref name="tailLines"/> lines;
    /// followed, the stream lasts while the revision runs. Null when there is none.
    /// </summary>
    Task<Stream?> OpenLogAsync(string @namespace, string name, long? revision, bool follow, int? tailLines, CancellationToken cancellationToken);

    /// <summary>Raised with <c>namespace/name</c> when something changed on its own: a crash, a restart, readiness.</summary>
    event Action<string>? Changed;
}

/// <summary>
/// Everything one revision runs: files, environment, entrypoint, variables, how many processes; and the App it is of,
/// which owns what a cluster makes of it.
/// </summary>
internal sealed record AppRevision(
    string Namespace,
    string Name,
    long Revision,
    string Hash,
    string Image,
    IReadOnlyList<AppFile> Files,
    string Entrypoint,
    IReadOnlyList<EnvVar> Env,
    int Replicas,
    App Owner);

/// <summary>The serving revision as it is: how many processes are ready and where, and whether they crash.</summary>
internal sealed record AppWorkload(
    long Revision,
    string Hash,
    int Replicas,
    IReadOnlyList<string> ReadyEndpoints,
    int Restarts,
    bool CrashLooping,
    string? LastFailure);

/// <summary>How a rollout ended; on failure a sentence and the new revision's last log lines.</summary>
internal sealed record RolloutResult(bool Succeeded, string Message, string LogTail)
{
    public static RolloutResult Success { get; } = new(true, "", "");

    public static RolloutResult Failure(string message, string logTail) => new(false, message, logTail);
}
