using System.ComponentModel;
using AeroGrid.Api.Meta;
using k8s.Models;

namespace AeroGrid.Api.Resources;

/// <summary>The core v1 Namespace: in AeroGrid, one tenant.</summary>
[Description("A tenant.")]
[KubernetesEntity(Group = "", ApiVersion = "v1", Kind = KindName, PluralName = "namespaces")]
public sealed record Namespace : Resource<NamespaceSpec, NamespaceStatus>
{
    public const string KindName = "Namespace";

    public Namespace()
    {
        ApiVersion = "v1";
        Kind = KindName;
    }
}

public sealed record NamespaceSpec
{
    public List<string>? Finalizers { get; init; }
}

public sealed record NamespaceStatus
{
    /// <summary>Active or Terminating.</summary>
    public string? Phase { get; init; }
}
