namespace AeroGrid.Tests.Infrastructure.Cluster;

/// <summary>What the doubles of the cluster agree on.</summary>
internal static class ClusterConventions
{
    /// <summary>The one node: the kubelet double registers it, the controller doubles bind their pods to it.</summary>
    public const string NodeName = "aerogrid-node-double";
}
