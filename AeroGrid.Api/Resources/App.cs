using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using AeroGrid.Api.Meta;
using AeroGrid.Api.Schema;
using k8s.Models;

namespace AeroGrid.Api.Resources;

/// <summary>A tenant's Python app: its files and how to run them.</summary>
[Description("A Python app: its files (app.py, requirements.txt, ...) and how to run them.")]
[KubernetesEntity(Group = AeroGridApi.Group, ApiVersion = AeroGridApi.Version, Kind = KindName, PluralName = "apps")]
public sealed record App : Resource<AppSpec, AppStatus>
{
    public const string KindName = "App";

    public App()
    {
        ApiVersion = AeroGridApi.GroupVersion;
        Kind = KindName;
    }
}

[Description("What the app should be.")]
public sealed record AppSpec
{
    [Description("The app's source files. The code travels as files; dependencies come from requirements.txt.")]
    [MaxLength(AppLimits.MaxFiles)]
    [ListMapKey("path")]
    public List<AppFile> Files { get; init; } = [];

    [Description("The file to run, one of spec.files.")]
    [MaxLength(AppLimits.MaxPathLength)]
    public string Entrypoint { get; init; } = AppDefaults.Entrypoint;

    [Description("The language runtime, e.g. python-3.11.")]
    [RegularExpression(AppLimits.RuntimePattern)]
    public string Runtime { get; init; } = AppDefaults.Runtime;

    [Description("How many processes serve the app.")]
    [Range(0, AppLimits.MaxReplicas)]
    public int Replicas { get; init; } = 1;

    [Description("When true the app is stopped: no process runs, the spec and files are kept.")]
    public bool Stopped { get; init; }

    [Description("Environment variables for the app's processes.")]
    [MaxLength(AppLimits.MaxEnv)]
    [ListMapKey("name")]
    public List<EnvVar> Env { get; init; } = [];
}

[Description("One source file of an app.")]
public sealed record AppFile
{
    [Description("A relative path such as app.py or lib/util.py.")]
    [Required]
    [MaxLength(AppLimits.MaxPathLength)]
    public string Path { get; init; } = "";

    [Description("The file's text.")]
    public string Content { get; init; } = "";
}

[Description("An environment variable.")]
public sealed record EnvVar
{
    [Description("A C identifier, e.g. LOG_LEVEL.")]
    [Required]
    [RegularExpression(AppLimits.EnvNamePattern)]
    public string Name { get; init; } = "";

    public string Value { get; init; } = "";
}

[Description("What the platform observed of the app.")]
public sealed record AppStatus
{
    [Description("Pending, Building, Deploying, Running, Failed or Stopped.")]
    public AppPhase? Phase { get; init; }

    [Description("The metadata.generation this status describes.")]
    public long? ObservedGeneration { get; init; }

    [Description("The revision that serves traffic; rises by one with every rollout.")]
    public long? Revision { get; init; }

    [Description("The image (dependency environment) the serving revision runs on.")]
    public string? Image { get; init; }

    [Description("Where the app is reachable, e.g. /apps/acme/orders.")]
    public string? Url { get; init; }

    [Description("A hash of what the serving revision runs (files, image, entrypoint, env); a new one means a new revision.")]
    public string? RevisionHash { get; init; }

    [Description("How many processes of the serving revision are ready.")]
    public int? ReadyReplicas { get; init; }

    [Description("Addresses of the serving revision's ready processes, for the local gateway; in a cluster the Service routes.")]
    public List<string>? Endpoints { get; init; }

    [Description("A sentence for people: what is happening or what went wrong.")]
    public string? Message { get; init; }

    [Description("The last lines a failed revision printed, to show next to the code.")]
    public string? FailureLog { get; init; }

    [ListMapKey("type")]
    public List<V1Condition>? Conditions { get; init; }
}

[JsonConverter(typeof(JsonStringEnumConverter<AppPhase>))]
public enum AppPhase
{
    Pending,
    Building,
    Deploying,
    Running,
    Failed,
    Stopped,
}

public static class AppDefaults
{
    public const string Entrypoint = "app.py";
    public const string Runtime = "python-3.11";
    public const string Requirements = "requirements.txt";
}

public static class AppLimits
{
    public const int MaxFiles = 100;
    public const int MaxPathLength = 255;
    public const int MaxReplicas = 20;
    public const int MaxEnv = 100;

    /// <summary>A ConfigMap holds at most 1 MiB in all; the files travel as one.</summary>
    public const int MaxTotalBytes = 1024 * 1024 - 16 * 1024;
    public const int MaxFileBytes = 512 * 1024;

    public const string RuntimePattern = @"^python-3\.[0-9]{1,2}$";
    public const string EnvNamePattern = "^[A-Za-z_][A-Za-z0-9_]*$";
}
