namespace AeroGrid.Api.Client;

/// <summary>What an informer watches and its tunables.</summary>
public sealed record InformerOptions
{
    /// <summary>The namespace to watch; null for all namespaces (and for cluster-scoped kinds).</summary>
    public string? Namespace { get; init; }

    /// <summary>Only objects matching this label selector, e.g. <c>app.kubernetes.io/managed-by=aerogrid</c>.</summary>
    public string? LabelSelector { get; init; }

    /// <summary>Objects per list request, so a large collection is not one huge response.</summary>
    public int PageSize { get; init; } = 500;

    /// <summary>How often every cached object is sent again as Updated; null for never.</summary>
    public TimeSpan? ResyncPeriod { get; init; }

    /// <summary>The first wait before reconnecting after an error; doubles per failure up to <see cref="MaxBackoff"/>.</summary>
    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long after the informer starts an API server that refuses connections counts as still starting: until its
    /// first list, or until this passes, the informer tries every <see cref="InitialBackoff"/> and logs at Debug, not
    /// as a failure.
    /// </summary>
    public TimeSpan StartupGrace { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long the server keeps one watch open (<c>timeoutSeconds</c>); then the informer watches again.</summary>
    public TimeSpan WatchTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How long a watch may be silent, not even a bookmark, before the informer takes its connection for dead and
    /// watches again. Shorter than <see cref="WatchTimeout"/>, longer than the server's bookmark interval
    /// (30 s here, about a minute from kube-apiserver).
    /// </summary>
    public TimeSpan WatchIdleTimeout { get; init; } = TimeSpan.FromSeconds(90);
}
