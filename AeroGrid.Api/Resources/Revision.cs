using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using AeroGrid.Api.Meta;
using AeroGrid.Api.Schema;
using k8s.Models;

namespace AeroGrid.Api.Resources;

/// <summary>
/// What one revision of an App ran, kept after it served: the history a rollback copies back into the App
/// (as Kubernetes keeps ControllerRevisions of a StatefulSet).
/// </summary>
/// <remarks>
/// A snapshot has nothing to observe, so the kind has no status and no status subresource (as ControllerRevision).
/// The Operator writes it once, named <c>{app}-{revision}</c>, labelled <see cref="AppLabel"/> and
/// <see cref="RevisionLabel"/>, owned by the App.
/// </remarks>
[Description("What one revision of an app ran: its files, image, entrypoint, runtime and environment. Written by the platform once the revision served; copy it back into the App to roll back.")]
[KubernetesEntity(Group = AeroGridApi.Group, ApiVersion = AeroGridApi.Version, Kind = KindName, PluralName = "revisions")]
public sealed record Revision : KubernetesObject
{
    public const string KindName = "Revision";

    /// <summary>The label naming the App a Revision belongs to: select an app's history with <c>aerogrid.io/app=NAME</c>.</summary>
    public const string AppLabel = "aerogrid.io/app";

    /// <summary>The label holding the revision number.</summary>
    public const string RevisionLabel = "aerogrid.io/revision";

    public Revision()
    {
        ApiVersion = AeroGridApi.GroupVersion;
        Kind = KindName;
    }

    public RevisionSpec Spec { get; init; } = new();

    /// <summary>The name of an app's revision: <c>hello-3</c>.</summary>
    public static string NameOf(string app, long revision) =>
        $"{app}-{revision.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
}

[Description("The revision as it ran.")]
public sealed record RevisionSpec
{
    [Description("The name of the App this is a revision of.")]
    [Required]
    public string App { get; init; } = "";

    [Description("The revision number, as in the App's status.revision.")]
    public long Revision { get; init; }

    [Description("The hash of what the revision ran, as in the App's status.revisionHash.")]
    public string RevisionHash { get; init; } = "";

    [Description("The name of the Image (dependency environment) it ran on.")]
    public string Image { get; init; } = "";

    [Description("The file it ran, one of spec.files.")]
    [MaxLength(AppLimits.MaxPathLength)]
    public string Entrypoint { get; init; } = AppDefaults.Entrypoint;

    [Description("The language runtime, e.g. python-3.11.")]
    [RegularExpression(AppLimits.RuntimePattern)]
    public string Runtime { get; init; } = AppDefaults.Runtime;

    [Description("The app's source files as they were.")]
    [MaxLength(AppLimits.MaxFiles)]
    [ListMapKey("path")]
    public List<AppFile> Files { get; init; } = [];

    [Description("The environment variables it ran with.")]
    [MaxLength(AppLimits.MaxEnv)]
    [ListMapKey("name")]
    public List<EnvVar> Env { get; init; } = [];
}
