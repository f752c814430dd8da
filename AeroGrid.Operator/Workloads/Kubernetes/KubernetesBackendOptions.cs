namespace AeroGrid.Operator.Workloads.Kubernetes;

/// <summary>How the cluster backend builds images and runs apps. Bound from <c>Operator:Kubernetes</c>.</summary>
internal sealed class KubernetesBackendOptions
{
    public const string SectionName = "Operator:Kubernetes";

    /// <summary>The registry images are pushed to and pulled from, <c>host[:port]</c>, e.g. <c>registry.example.com</c>.</summary>
    public string Registry { get; set; } = "";

    /// <summary>The repository in <see cref="Registry"/> holding one tag per environment hash, e.g. <c>aerogrid/env</c>.</summary>
    public string Repository { get; set; } = "";

    /// <summary>
    /// Talk to <see cref="Registry"/> over plain http instead of https: the Operator's registry check and Kaniko's
    /// <c>--insecure</c> alike. For a registry inside a dev cluster only.
    /// </summary>
    public bool InsecureRegistry { get; set; }

    /// <summary>
    /// The <c>kubernetes.io/dockerconfigjson</c> Secret with the registry's credentials: read by the Operator in
    /// <see cref="PlatformNamespace"/>, mounted by a build pod from its own namespace, the Image's.
    /// </summary>
    public string PushSecret { get; set; } = "aerogrid-registry-push";

    /// <summary>The namespace the platform runs in, where <see cref="PushSecret"/> is kept.</summary>
    public string PlatformNamespace { get; set; } = "aerogrid-system";

    /// <summary>The Istio Gateway (<c>namespace/name</c>) every app's VirtualService binds to.</summary>
    public string Gateway { get; set; } = "aerogrid-system/aerogrid";

    /// <summary>The image environments are built on: a Python with pip.</summary>
    public string BaseImage { get; set; } = "python:3.12-slim";

    /// <summary>The Kaniko executor that builds and pushes environments.</summary>
    public string KanikoImage { get; set; } = "gcr.io/kaniko-project/executor:v1.23.2";

    /// <summary>How long a build may run (the Job's <c>activeDeadlineSeconds</c>).</summary>
    public TimeSpan BuildDeadline { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How many times a failed build is retried (the Job's <c>backoffLimit</c>); a failed pip install fails again.</summary>
    public int BuildBackoffLimit { get; set; }

    /// <summary>How long a finished build Job is kept for its log (the Job's <c>ttlSecondsAfterFinished</c>).</summary>
    public TimeSpan BuildTtl { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long a rollout may make no progress before it fails (the Deployment's <c>progressDeadlineSeconds</c>).</summary>
    public TimeSpan ProgressDeadline { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>The reference of the environment image of a hash: <c>&lt;Registry&gt;/&lt;Repository&gt;:&lt;hash&gt;</c>.</summary>
    public string ImageReference(string hash) => $"{Registry}/{Repository}:{hash}";
}
