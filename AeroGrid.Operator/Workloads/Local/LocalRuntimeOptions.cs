namespace AeroGrid.Operator.Workloads.Local;

/// <summary>How the local backend builds environments and runs apps. Bound from <c>Operator:Local</c>.</summary>
internal sealed class LocalRuntimeOptions
{
    public const string SectionName = "Operator:Local";

    /// <summary>Environments, revisions and logs live here.</summary>
    public string DataDirectory { get; set; } = Path.Combine(Environment.CurrentDirectory, ".data", "operator");

    /// <summary>The Python interpreter; empty: <c>python3</c> on PATH, resolved once to its real binary.</summary>
    public string Python { get; set; } = "";

    /// <summary>The folder holding the <c>aerogrid</c> SDK package, put on PYTHONPATH.</summary>
    public string SdkPath { get; set; } = "";

    /// <summary>Package index for pip (<c>--index-url</c>); empty: pip's default.</summary>
    public string PipIndexUrl { get; set; } = "";

    /// <summary>Local wheel folders or URLs for pip (<c>--find-links</c>).</summary>
    public List<string> PipFindLinks { get; set; } = [];

    /// <summary>Install only from <see cref="PipFindLinks"/> (<c>--no-index</c>).</summary>
    public bool PipNoIndex { get; set; }

    /// <summary>How long an environment build may take.</summary>
    public TimeSpan BuildTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How long a new process may take to answer <c>/healthz</c>.</summary>
    public TimeSpan ReadinessTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Time between SIGTERM and SIGKILL when stopping a process.</summary>
    public TimeSpan GracePeriod { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long the old revision keeps running after traffic switched, for in-flight requests.</summary>
    public TimeSpan DrainDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Restart backoff after a crash: doubles from <see cref="RestartBackoff"/> up to <see cref="MaxRestartBackoff"/>.</summary>
    public TimeSpan RestartBackoff { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxRestartBackoff { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How many environments keep a warm interpreter (a fork server with the SDK imported) for their next process;
    /// 0 starts every process cold.
    /// </summary>
    public int WarmEnvironments { get; set; } = 4;

    /// <summary>A revision's log is cut back to its newest half when it grows past this.</summary>
    public long MaxLogBytes { get; set; } = 4 * 1024 * 1024;
}
