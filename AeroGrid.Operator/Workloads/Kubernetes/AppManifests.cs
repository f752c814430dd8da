using System.Globalization;
using AeroGrid.Api.Resources;
using AeroGrid.Api.Resources.Istio;
using k8s.Models;
using Microsoft.Extensions.Options;

namespace AeroGrid.Operator.Workloads.Kubernetes;

/// <summary>
/// What one App revision is in a cluster: an immutable ConfigMap of its files, the app's Deployment running them on the
/// revision's image, its Service, and the VirtualService that routes <c>/apps/{tenant}/{app}</c> to it.
/// </summary>
internal sealed class AppManifests(IOptions<KubernetesBackendOptions> options, IOptions<AppTelemetryOptions> telemetry)
{
    /// <summary>The port the app listens on (<c>$PORT</c>), named <see cref="HttpPortName"/>.</summary>
    public const int AppPort = 8000;

    public const int ServicePort = 80;
    public const string HttpPortName = "http";
    public const string ContainerName = "app";
    public const string AppDirectory = "/app";

    private const string FilesVolume = "files";
    private const string TmpVolume = "tmp";
    private const string HealthPath = "/healthz";

    // Rollbacks go through Revision objects (the App's own history), so old ReplicaSets are kept only to look at.
    private const int ReplicaSetHistory = 3;

    private readonly KubernetesBackendOptions _options = options.Value;
    private readonly AppTelemetryOptions _telemetry = telemetry.Value;

    /// <summary>The ConfigMap of a revision's files, named by its hash: <c>{app}-{first 10 of the hash}</c>.</summary>
    public static string ConfigMapName(AppRevision revision) => $"{revision.Name}-{revision.Hash[..10]}";

    /// <summary>The host the mesh knows the app's Service by.</summary>
    public static string ServiceHost(string tenant, string app) => $"{app}.{tenant}.svc.cluster.local";

    /// <summary>Where the gateway serves the app, as the local gateway does.</summary>
    public static string PathOf(string tenant, string app) => $"/apps/{tenant}/{app}";

    /// <summary>Immutable, so a revision's files are what they were whenever its pods start.</summary>
    public static V1ConfigMap ConfigMap(App owner, AppRevision revision) => new()
    {
        ApiVersion = "v1",
        Kind = "ConfigMap",
        Metadata = Ownership.Metadata(owner, ConfigMapName(revision), WorkloadLabels.OfRevision(revision)),
        Immutable = true,
        Data = ConfigMapFiles.Data(revision.Files),
    };

    /// <summary>
    /// A rolling update that adds a pod before it removes one (maxUnavailable 0), so the serving revision serves until
    /// the new one is Available, and a rollout that stalls past the progress deadline fails with the old one serving.
    /// </summary>
    public V1Deployment Deployment(App owner, AppRevision revision)
    {
        var metadata = Ownership.Metadata(owner, revision.Name, WorkloadLabels.OfApp(revision.Namespace, revision.Name));
        // Copied by the Deployment controller onto each ReplicaSet: kubectl rollout history names the revisions.
        metadata.Annotations = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["kubernetes.io/change-cause"] = $"revision {Number(revision)} ({revision.Hash})",
        };
        return new V1Deployment
        {
            ApiVersion = "apps/v1",
            Kind = "Deployment",
            Metadata = metadata,
            Spec = new V1DeploymentSpec
            {
                Replicas = revision.Replicas,
                Selector = new V1LabelSelector { MatchLabels = WorkloadLabels.Selector(revision.Name) },
                Strategy = new V1DeploymentStrategy
                {
                    Type = "RollingUpdate",
                    RollingUpdate = new V1RollingUpdateDeployment { MaxUnavailable = 0, MaxSurge = 1 },
                },
                ProgressDeadlineSeconds = (int)_options.ProgressDeadline.TotalSeconds,
                RevisionHistoryLimit = ReplicaSetHistory,
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = WorkloadLabels.OfRevision(revision) },
                    Spec = PodSpec(owner, revision),
                },
            },
        };
    }

    public static V1Service Service(App owner) => new()
    {
        ApiVersion = "v1",
        Kind = "Service",
        Metadata = Ownership.Metadata(owner, owner.Metadata.Name!, WorkloadLabels.OfApp(owner.Metadata.NamespaceProperty!, owner.Metadata.Name!)),
        Spec = new V1ServiceSpec
        {
            Selector = WorkloadLabels.Selector(owner.Metadata.Name!),
            Ports = [new V1ServicePort { Name = HttpPortName, Port = ServicePort, TargetPort = HttpPortName, Protocol = "TCP", AppProtocol = "http" }],
        },
    };

    /// <remarks>
    /// Istio replaces the part of the path a prefix matched with the rewrite (HTTPRewrite.uri,
    /// https://istio.io/latest/docs/reference/config/networking/virtual-service/#HTTPRewrite), and keeps the query:
    /// <c>/apps/t/a/x?q</c> matches the prefix <c>/apps/t/a/</c> and reaches the app as <c>/x?q</c>. The prefix ends in
    /// a slash so that <c>/apps/t/ab</c> is not app <c>a</c>'s; the bare path is matched exactly, and as the whole of it
    /// is the matched part it becomes <c>/</c>.
    /// </remarks>
    public VirtualService VirtualService(App owner)
    {
        var (tenant, app) = (owner.Metadata.NamespaceProperty!, owner.Metadata.Name!);
        return new VirtualService
        {
            Metadata = Ownership.Metadata(owner, app, WorkloadLabels.OfApp(tenant, app)),
            Spec = new VirtualServiceSpec
            {
                Hosts = ["*"],
                Gateways = [_options.Gateway],
                Http =
                [
                    new HttpRoute
                    {
                        Name = app,
                        Match =
                        [
                            new HttpMatchRequest { Uri = new StringMatch { Prefix = PathOf(tenant, app) + "/" } },
                            new HttpMatchRequest { Uri = new StringMatch { Exact = PathOf(tenant, app) } },
                        ],
                        Rewrite = new HttpRewrite { Uri = "/" },
                        Route = [new HttpRouteDestination { Destination = new Destination { Host = ServiceHost(tenant, app), Port = new PortSelector { Number = ServicePort } } }],
                    },
                ],
            },
        };
    }

    private V1PodSpec PodSpec(App owner, AppRevision revision) => new()
    {
        // An app has no business with the Kubernetes API, nor with the other Services of its namespace.
        AutomountServiceAccountToken = false,
        EnableServiceLinks = false,
        SecurityContext = new V1PodSecurityContext
        {
            RunAsNonRoot = true,
            RunAsUser = BuildManifests.UserId,
            RunAsGroup = BuildManifests.UserId,
            FsGroup = BuildManifests.UserId,
            SeccompProfile = new V1SeccompProfile { Type = "RuntimeDefault" },
        },
        Containers =
        [
            new V1Container
            {
                Name = ContainerName,
                Image = revision.Image,
                // As the local backend starts a revision: the SDK runs $AEROGRID_ENTRYPOINT and serves its App on $PORT.
                Command = ["python", "-m", "aerogrid"],
                WorkingDir = AppDirectory,
                Env = Environment(revision),
                Ports = [new V1ContainerPort { Name = HttpPortName, ContainerPort = AppPort, Protocol = "TCP" }],
                // Up to a minute to import and start; after that, out of rotation within 15 s, restarted within 30 s.
                StartupProbe = HealthProbe(periodSeconds: 2, failureThreshold: 30),
                ReadinessProbe = HealthProbe(periodSeconds: 5, failureThreshold: 3),
                LivenessProbe = HealthProbe(periodSeconds: 10, failureThreshold: 3),
                Resources = Resources(AppDefaults.ResourcesOf(owner.Spec.Resources)),
                // A crashed process's last lines become its terminated state's message: the App's failure without a log read.
                TerminationMessagePolicy = "FallbackToLogsOnError",
                SecurityContext = new V1SecurityContext
                {
                    AllowPrivilegeEscalation = false,
                    ReadOnlyRootFilesystem = true,
                    Capabilities = new V1Capabilities { Drop = ["ALL"] },
                },
                VolumeMounts =
                [
                    new V1VolumeMount { Name = FilesVolume, MountPath = AppDirectory, ReadOnlyProperty = true },
                    // Python and its libraries need somewhere writable for temporary files.
                    new V1VolumeMount { Name = TmpVolume, MountPath = "/tmp" },
                ],
            },
        ],
        Volumes =
        [
            new V1Volume
            {
                Name = FilesVolume,
                ConfigMap = new V1ConfigMapVolumeSource { Name = ConfigMapName(revision), Items = ConfigMapFiles.Items(revision.Files) },
            },
            new V1Volume { Name = TmpVolume, EmptyDir = new V1EmptyDirVolumeSource { SizeLimit = new ResourceQuantity("256Mi") } },
        ],
    };

    /// <summary>
    /// The platform's variables, as the local backend sets them (telemetry's included), then the app's own (validation
    /// keeps them apart from the platform's own; an app's <c>OTEL_*</c> overrides the platform's).
    /// </summary>
    private List<V1EnvVar> Environment(AppRevision revision) =>
    [
        new() { Name = "PORT", Value = AppPort.ToString(CultureInfo.InvariantCulture) },
        // In a pod the app must answer the kubelet's probes and the mesh, not only loopback.
        new() { Name = "AEROGRID_HOST", Value = "0.0.0.0" },
        new() { Name = "AEROGRID_ENTRYPOINT", Value = revision.Entrypoint },
        new() { Name = "AEROGRID_TENANT", Value = revision.Namespace },
        new() { Name = "AEROGRID_APP", Value = revision.Name },
        new() { Name = "AEROGRID_REVISION", Value = Number(revision) },
        .. _telemetry.Variables(revision).Select(variable => new V1EnvVar { Name = variable.Key, Value = variable.Value }),
        .. revision.Env.Select(variable => new V1EnvVar { Name = variable.Name, Value = variable.Value }),
    ];

    private static V1Probe HealthProbe(int periodSeconds, int failureThreshold) => new()
    {
        HttpGet = new V1HTTPGetAction { Path = HealthPath, Port = HttpPortName },
        PeriodSeconds = periodSeconds,
        TimeoutSeconds = 2,
        FailureThreshold = failureThreshold,
    };

    private static V1ResourceRequirements Resources(AppResources resources) => new()
    {
        Requests = Quantities(resources.Requests),
        Limits = Quantities(resources.Limits),
    };

    private static Dictionary<string, ResourceQuantity> Quantities(ResourceQuantities? quantities)
    {
        var result = new Dictionary<string, ResourceQuantity>(StringComparer.Ordinal);
        if (quantities?.Cpu is { } cpu)
        {
            result["cpu"] = new ResourceQuantity(cpu);
        }
        if (quantities?.Memory is { } memory)
        {
            result["memory"] = new ResourceQuantity(memory);
        }
        return result;
    }

    private static string Number(AppRevision revision) => revision.Revision.ToString(CultureInfo.InvariantCulture);
}
