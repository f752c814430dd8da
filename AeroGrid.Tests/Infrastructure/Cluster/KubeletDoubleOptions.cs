namespace AeroGrid.Tests.Infrastructure.Cluster;

/// <summary>The kubelet double's tunables, short by default so that tests are quick.</summary>
internal sealed record KubeletDoubleOptions
{
    /// <summary>
    /// The delay before the second restart of a crashing container (the first is at once) and after a failed image pull,
    /// doubling up to <see cref="MaxBackOff"/>. The kubelet's is 10 s, doubling up to 5 min; 1 s keeps tests quick.
    /// </summary>
    public TimeSpan BackOff { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxBackOff { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>At most this long between SIGTERM and SIGKILL, whatever a pod's terminationGracePeriodSeconds (30 s by default).</summary>
    public TimeSpan MaxTerminationGracePeriod { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>The interpreter of every image: images here are folders of packages on its <c>PYTHONPATH</c>.</summary>
    public string Python { get; init; } = "/usr/bin/python3";
}
