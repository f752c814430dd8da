using AeroGrid.Api.Validation;

namespace AeroGrid.ControlPlane;

/// <summary>Tunables of the local control plane. Bound from the <c>ControlPlane</c> configuration section.</summary>
internal sealed class ControlPlaneOptions
{
    public const string SectionName = "ControlPlane";

    /// <summary>Where the SQLite database (and the dev issuer's key) live.</summary>
    public string DataDirectory { get; set; } = Path.Combine(Environment.CurrentDirectory, ".data");

    /// <summary>A loopback HTTPS port for kubectl (0: none); the HTTP address from <c>urls</c> serves the platform's own services.</summary>
    public int HttpsPort { get; set; }

    /// <summary>The Operator that serves <c>apps/{name}/log</c> and <c>images/{name}/log</c>; none: the log subresources answer 503.</summary>
    public Uri? LogsUrl { get; set; }

    /// <summary>
    /// A PEM file of the CA that signs kubelets' serving certificates, as kube-apiserver's
    /// <c>--kubelet-certificate-authority</c>, so <c>pods/log</c> reads only from a kubelet it can verify. Unset, the
    /// system's trusted roots verify it (kube-apiserver would not verify at all).
    /// </summary>
    public string KubeletCertificateAuthority { get; set; } = "";

    /// <summary>Namespaces (tenants) created at start when missing.</summary>
    public List<string> Tenants { get; set; } = [];

    /// <summary>How many watch events are kept for resuming watches; older ones answer 410 Gone.</summary>
    public int HistoryEvents { get; set; } = 10_000;

    /// <summary>How long the snapshot behind a list's continue token stays open without being continued; then 410 Expired.</summary>
    public TimeSpan ContinueLifetime { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Open list snapshots at most (each holds a SQLite reader); the least recently used closes first.</summary>
    public int MaxListSnapshots { get; set; } = 64;

    /// <summary>A request body larger than this is refused with 413, as kube-apiserver refuses one over 3 MiB.</summary>
    public long MaxRequestBodyBytes { get; set; } = 3 * 1024 * 1024;

    /// <summary>How often the garbage collector looks for dependents whose owners are gone, besides after each delete.</summary>
    public TimeSpan GarbageCollectionInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the watch history is compacted.</summary>
    public TimeSpan CompactionInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How often a watch that asked for bookmarks gets one.</summary>
    public TimeSpan BookmarkInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>A watch without <c>timeoutSeconds</c> ends after this long; clients re-watch.</summary>
    public TimeSpan DefaultWatchTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>What user input may contain beyond the safe defaults (package indexes, direct references).</summary>
    public ValidationPolicy Validation { get; set; } = ValidationPolicy.Default;
}
