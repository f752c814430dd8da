using System.ComponentModel;
using System.Text.Json.Serialization;

namespace AeroGrid.Api.Meta;

/// <summary>The envelope every API object shares: type identity and object metadata.</summary>
/// <remarks>
/// The explicit order puts the envelope first, as Kubernetes writes objects; without it System.Text.Json writes a
/// derived record's own properties (spec, status) before its base's.
/// </remarks>
public abstract record KubernetesObject
{
    [Description("The group and version of this representation of the object, e.g. aerogrid.io/v1alpha1.")]
    [JsonPropertyOrder(-3)]
    public string ApiVersion { get; init; } = "";

    [Description("The kind of the object, e.g. App.")]
    [JsonPropertyOrder(-2)]
    public string Kind { get; init; } = "";

    [JsonPropertyOrder(-1)]
    public ObjectMeta Metadata { get; init; } = new();
}

/// <summary>An object with a desired state (<c>spec</c>) and an observed state (<c>status</c>).</summary>
public abstract record Resource<TSpec, TStatus> : KubernetesObject
    where TSpec : new()
    where TStatus : class
{
    public TSpec Spec { get; init; } = new();
    public TStatus? Status { get; init; }
}
