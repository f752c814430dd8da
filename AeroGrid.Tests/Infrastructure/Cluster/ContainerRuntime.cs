namespace AeroGrid.Tests.Infrastructure.Cluster;

/// <summary>What every container of the node shares: the image store, the Kaniko double, the tunables and the prober's client.</summary>
internal sealed record ContainerRuntime(NodeImages Images, KanikoDouble Kaniko, KubeletDoubleOptions Options, HttpClient Prober);
