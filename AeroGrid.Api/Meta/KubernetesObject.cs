using System.ComponentModel;
using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace AeroGrid.Api.Meta;

/// <summary>The envelope every API object shares: type identity and KubernetesClient's object metadata.</summary>
/// <remarks>
/// The explicit order puts the envelope first, as Kubernetes writes objects; without it System.Text.Json writes a
/// derived record's own properties (spec, status) before its base's. The setters are KubernetesClient's contract.
/// </remarks>
public abstract record KubernetesObject : IKubernetesObject<V1ObjectMeta>
{
    [Description("The group and version of this representation of the object, e.g. aerogrid.io/v1alpha1.")]
    [JsonPropertyOrder(-3)]
    public string ApiVersion { get; set; } = "";

    [Description("The kind of the object, e.g. App.")]
    [JsonPropertyOrder(-2)]
    public string Kind { get; set; } = "";

    [JsonPropertyOrder(-1)]
    public V1ObjectMeta Metadata { get; set; } = new();
}

/// <summary>An object with a desired state (<c>spec</c>) and an observed state (<c>status</c>).</summary>
public abstract record Resource<TSpec, TStatus> : KubernetesObject, ISpec<TSpec>, IStatus<TStatus?>
    where TSpec : new()
    where TStatus : class
{
    public TSpec Spec { get; set; } = new();
    public TStatus? Status { get; set; }
}
