using System.ComponentModel;
using System.Text.Json.Serialization;
using AeroGrid.Api.Meta;
using AeroGrid.Api.Schema;
using k8s.Models;

namespace AeroGrid.Api.Resources;

/// <summary>A dependency environment, addressed by the hash of its runtime and requirements.</summary>
[Description("A dependency environment built from a runtime and a requirements.txt, addressed by their hash.")]
[KubernetesEntity(Group = AeroGridApi.Group, ApiVersion = AeroGridApi.Version, Kind = KindName, PluralName = "images")]
public sealed record Image : Resource<ImageSpec, ImageStatus>
{
    public const string KindName = "Image";

    public Image()
    {
        ApiVersion = AeroGridApi.GroupVersion;
        Kind = KindName;
    }
}

[Description("What to build.")]
public sealed record ImageSpec
{
    [Description("The language runtime, e.g. python-3.11.")]
    [System.ComponentModel.DataAnnotations.RegularExpression(AppLimits.RuntimePattern)]
    public string Runtime { get; init; } = AppDefaults.Runtime;

    [Description("The requirements.txt the environment installs.")]
    public string Requirements { get; init; } = "";
}

[Description("What the build produced.")]
public sealed record ImageStatus
{
    [Description("Pending, Building, Ready or Failed.")]
    public ImagePhase? Phase { get; init; }

    [Description("The metadata.generation this status describes.")]
    public long? ObservedGeneration { get; init; }

    [Description("The content hash of runtime and requirements.")]
    public string? Hash { get; init; }

    [Description("Where the built environment is: a local path or a registry reference.")]
    public string? Reference { get; init; }

    [Description("The last lines of the build log.")]
    public string? LogTail { get; init; }

    [Description("A sentence for people.")]
    public string? Message { get; init; }

    [ListMapKey("type")]
    public List<V1Condition>? Conditions { get; init; }
}

[JsonConverter(typeof(JsonStringEnumConverter<ImagePhase>))]
public enum ImagePhase
{
    Pending,
    Building,
    Ready,
    Failed,
}
