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

    [Description("The compute each process asks for and may use; absent fields take the platform's defaults.")]
    public AppResources? Resources { get; init; }
}

[Description("Compute resources of each process of the app, as a Kubernetes container's resources.")]
public sealed record AppResources
{
    [Description("What each process is guaranteed, e.g. cpu 50m, memory 128Mi.")]
    public ResourceQuantities? Requests { get; init; }

    [Description("What each process may use at most, e.g. memory 512Mi.")]
    public ResourceQuantities? Limits { get; init; }
}

[Description("Kubernetes quantities of CPU and memory.")]
public sealed record ResourceQuantities
{
    [Description("CPU, in cores (0.5) or millicores (500m).")]
    [RegularExpression(AppLimits.QuantityPattern)]
    public string? Cpu { get; init; }

    [Description("Memory, in bytes with a suffix such as Mi or Gi (512Mi).")]
    [RegularExpression(AppLimits.QuantityPattern)]
    public string? Memory { get; init; }
}

[Description("One source file of an app.")]
public sealed record AppFile
{
    [Description("A relative path such as app.py or lib/util.py, of letters, digits, '-', '_', '.' and '/'.")]
    [Required]
    [MaxLength(AppLimits.MaxPathLength)]
    [RegularExpression(AppLimits.FilePathPattern)]
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

    // What a process gets when its spec says nothing: a small guaranteed share, and a memory limit so one app cannot
    // starve its node. No CPU limit: a CPU limit throttles a process even when the node is idle.
    public const string RequestsCpu = "50m";
    public const string RequestsMemory = "128Mi";
    public const string LimitsMemory = "512Mi";

    /// <summary>The resources a process runs with: each quantity the spec leaves out takes its default.</summary>
    public static AppResources ResourcesOf(AppResources? resources) => new()
    {
        Requests = new()
        {
            Cpu = resources?.Requests?.Cpu ?? RequestsCpu,
            Memory = resources?.Requests?.Memory ?? RequestsMemory,
        },
        Limits = new() { Cpu = resources?.Limits?.Cpu, Memory = resources?.Limits?.Memory ?? LimitsMemory },
    };
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

    /// <summary>What a ConfigMap key allows, and the folder separator.</summary>
    public const string FilePathPattern = "^[-._a-zA-Z0-9/]+$";

    /// <summary>
    /// A non-negative Kubernetes quantity (<c>500m</c>, <c>0.5</c>, <c>128Mi</c>, <c>1e3</c>): the grammar of
    /// apimachinery's <c>resource.Quantity</c>, which is also the pattern its CRDs carry, without the sign.
    /// </summary>
    public const string QuantityPattern = @"^(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))))?$";
}
