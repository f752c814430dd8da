using AeroGrid.Api.Resources;
using k8s.Models;
using Microsoft.Extensions.Options;

namespace AeroGrid.Operator.Workloads.Kubernetes;

/// <summary>
/// The build of one environment in a cluster: a ConfigMap holding the build context (requirements.txt, a generated
/// Dockerfile and the SDK), and a Kaniko Job that builds it and pushes <c>&lt;registry&gt;/&lt;repository&gt;:&lt;hash&gt;</c>.
/// Both are owned by the Image, in its namespace.
/// </summary>
/// <remarks>
/// In the Image's namespace because an owner must be in its dependent's namespace (the garbage collector takes an owner
/// elsewhere for absent and deletes the dependent), and a pod mounts only Secrets of its own namespace: the build pod
/// needs a copy of <see cref="KubernetesBackendOptions.PushSecret"/> there.
/// </remarks>
internal sealed class BuildManifests(IOptions<KubernetesBackendOptions> options)
{
    /// <summary>The user and group an environment image runs as.</summary>
    public const long UserId = 10001;

    public const string ContainerName = "kaniko";

    private const string Dockerfile = "Dockerfile";
    private const string ContextDirectory = "/workspace";

    private const string ContextVolume = "context";
    private const string DockerConfigVolume = "docker-config";

    /// <summary>Where the SDK lives in an image; on <c>PYTHONPATH</c>, as the local backend puts it.</summary>
    private const string SdkDirectory = "/opt/aerogrid";

    private readonly KubernetesBackendOptions _options = options.Value;

    /// <summary>The name of the build's ConfigMap and Job: <c>build-{first 12 of the hash}</c>.</summary>
    public static string Name(string hash) => $"build-{hash[..12]}";

    /// <summary>requirements.txt, the Dockerfile and the SDK's files; immutable, as what a hash builds never changes.</summary>
    public V1ConfigMap Context(Image owner)
    {
        var hash = ImageHash.Of(owner.Spec);
        return new V1ConfigMap
        {
            ApiVersion = "v1",
            Kind = "ConfigMap",
            Metadata = Ownership.Metadata(owner, Name(hash), WorkloadLabels.OfBuild(owner.Metadata.NamespaceProperty!, hash)),
            Immutable = true,
            Data = ConfigMapFiles.Data(ContextFiles(owner.Spec)),
        };
    }

    /// <summary>
    /// One attempt (and <see cref="KubernetesBackendOptions.BuildBackoffLimit"/> retries) within the build deadline; the
    /// finished Job and its pod, with the log, stay for <see cref="KubernetesBackendOptions.BuildTtl"/>.
    /// </summary>
    public V1Job Job(Image owner)
    {
        var hash = ImageHash.Of(owner.Spec);
        var labels = WorkloadLabels.OfBuild(owner.Metadata.NamespaceProperty!, hash);
        return new V1Job
        {
            ApiVersion = "batch/v1",
            Kind = "Job",
            Metadata = Ownership.Metadata(owner, Name(hash), labels),
            Spec = new V1JobSpec
            {
                BackoffLimit = _options.BuildBackoffLimit,
                ActiveDeadlineSeconds = (long)_options.BuildDeadline.TotalSeconds,
                TtlSecondsAfterFinished = (int)_options.BuildTtl.TotalSeconds,
                Template = new V1PodTemplateSpec
                {
                    // A mesh sidecar would keep the pod, and so the Job, running after Kaniko exits.
                    Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string>(labels, StringComparer.Ordinal) { ["sidecar.istio.io/inject"] = "false" } },
                    Spec = PodSpec(owner.Spec, hash),
                },
            },
        };
    }

    /// <summary>
    /// The environment: the requirements installed first, so a new SDK reuses the cached pip layer; the SDK on
    /// <c>PYTHONPATH</c>, compiled now as the app's read-only filesystem cannot take its bytecode later; a home in the
    /// writable /tmp, as the user has none. No CMD: the Deployment says what runs, as the local backend does.
    /// </summary>
    private string DockerfileText() =>
        $"""
        FROM {_options.BaseImage}
        ENV PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PYTHONPATH={SdkDirectory} HOME=/tmp
        COPY {AppDefaults.Requirements} {SdkDirectory}/{AppDefaults.Requirements}
        RUN pip install --requirement {SdkDirectory}/{AppDefaults.Requirements}
        COPY aerogrid/ {SdkDirectory}/aerogrid/
        RUN python -m compileall -q {SdkDirectory}/aerogrid
        USER {UserId}:{UserId}
        WORKDIR {AppManifests.AppDirectory}

        """;

    private List<AppFile> ContextFiles(ImageSpec spec) =>
    [
        new() { Path = Dockerfile, Content = DockerfileText() },
        new() { Path = AppDefaults.Requirements, Content = spec.Requirements },
        .. SdkFiles.Files,
    ];

    /// <remarks>
    /// Each context file is mounted on its own (<c>subPath</c>): a ConfigMap volume's files are symlinks into its
    /// <c>..data</c> folder, and Kaniko copies a symlink as a symlink, dangling in the image
    /// (GoogleContainerTools/kaniko#2762); a subPath mount is the file itself.
    /// </remarks>
    private V1PodSpec PodSpec(ImageSpec spec, string hash) => new()
    {
        RestartPolicy = "Never",
        AutomountServiceAccountToken = false,
        EnableServiceLinks = false,
        Containers =
        [
            new V1Container
            {
                Name = ContainerName,
                Image = _options.KanikoImage,
                Args =
                [
                    $"--context=dir://{ContextDirectory}",
                    $"--dockerfile={ContextDirectory}/{Dockerfile}",
                    $"--destination={_options.ImageReference(hash)}",
                    // Layers are cached in the registry, so an environment differing by one package reuses the base's.
                    "--cache=true",
                    $"--cache-repo={_options.Registry}/{_options.Repository}/cache",
                    // Snapshots by file content, not modification time: pip's output is noticed, and faster than full.
                    "--snapshot-mode=redo",
                    // Kaniko documents compressed caching as faster but hungrier; a large pip layer must fit the memory limit.
                    "--compressed-caching=false",
                    // The pushed digest becomes the pod's termination message, for the Image's status.
                    "--digest-file=/dev/termination-log",
                    // A registry over plain HTTP (a dev cluster's), as the Operator's own lookups reach it.
                    .. _options.InsecureRegistry ? (string[])["--insecure"] : [],
                ],
                // A failed build's termination message is the end of its log instead: the Image's log tail.
                TerminationMessagePolicy = "FallbackToLogsOnError",
                Resources = new V1ResourceRequirements
                {
                    Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("500m"), ["memory"] = new("1Gi") },
                    Limits = new Dictionary<string, ResourceQuantity> { ["memory"] = new("2Gi") },
                },
                VolumeMounts =
                [
                    .. ContextFiles(spec).Select(file => new V1VolumeMount
                    {
                        Name = ContextVolume,
                        MountPath = $"{ContextDirectory}/{file.Path}",
                        SubPath = ConfigMapFiles.Key(file.Path),
                        ReadOnlyProperty = true,
                    }),
                    new V1VolumeMount { Name = DockerConfigVolume, MountPath = "/kaniko/.docker", ReadOnlyProperty = true },
                ],
            },
        ],
        Volumes =
        [
            new V1Volume { Name = ContextVolume, ConfigMap = new V1ConfigMapVolumeSource { Name = Name(hash) } },
            new V1Volume
            {
                Name = DockerConfigVolume,
                Secret = new V1SecretVolumeSource
                {
                    SecretName = _options.PushSecret,
                    Items = [new V1KeyToPath { Key = ".dockerconfigjson", Path = "config.json" }],
                },
            },
        ],
    };
}
