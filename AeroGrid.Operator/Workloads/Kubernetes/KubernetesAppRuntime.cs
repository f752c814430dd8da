using System.Globalization;
using System.Net;
using AeroGrid.Api.Resources;
using AeroGrid.Api.Resources.Istio;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Options;

namespace AeroGrid.Operator.Workloads.Kubernetes;

/// <summary>
/// Runs apps on Kubernetes: per revision an immutable ConfigMap of its files, per app one Deployment (rolling, with
/// maxUnavailable 0, so the serving pods serve until the new ones are available), one Service and one Istio
/// VirtualService at <c>/apps/{tenant}/{app}</c>. Written with server-side apply, so a restarted Operator converges on
/// what it finds.
/// </summary>
/// <remarks>
/// A failed rollout puts the Deployment back on the previous revision's pod template (as <c>kubectl rollout undo</c>),
/// so the Deployment always says what serves and its new ReplicaSet scales away; a first revision that fails takes its
/// Deployment with it.
/// </remarks>
internal sealed partial class KubernetesAppRuntime(
    IKubernetes kubernetes, AppManifests manifests, IOptions<KubernetesBackendOptions> options, ILogger<KubernetesAppRuntime> logger)
    : BackgroundService, IAppRuntime
{
    /// <summary>The field manager of everything the Operator applies.</summary>
    public const string FieldManager = "aerogrid-operator";

    private const int LogTailLines = 30;
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);

    // Container states that will not get better by waiting: the rollout fails at once rather than at its deadline.
    private static readonly HashSet<string> Hopeless = ["CrashLoopBackOff", "ErrImagePull", "ImagePullBackOff", "InvalidImageName", "CreateContainerConfigError"];

    private static string ManagedBy => $"{WorkloadLabels.ManagedBy}=aerogrid";

    public event Action<string>? Changed;

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var deployments = new WorkloadWatch<V1Deployment>("deployments", (onError, token) =>
            kubernetes.AppsV1.WatchListDeploymentForAllNamespacesAsync(labelSelector: ManagedBy, onError: onError, cancellationToken: token), logger);
        var pods = new WorkloadWatch<V1Pod>("pods", (onError, token) =>
            kubernetes.CoreV1.WatchListPodForAllNamespacesAsync(labelSelector: ManagedBy, onError: onError, cancellationToken: token), logger);
        return Task.WhenAll(deployments.RunAsync(Raise, stoppingToken), pods.RunAsync(Raise, stoppingToken));
    }

    private void Raise(string key) => Changed?.Invoke(key);

    public async ValueTask<AppWorkload?> ObserveAsync(string @namespace, string name, CancellationToken cancellationToken)
    {
        if (await TryReadDeploymentAsync(@namespace, name, cancellationToken) is not { } deployment)
        {
            return null;
        }
        var labels = deployment.Spec.Template.Metadata?.Labels ?? new Dictionary<string, string>();
        var hash = labels.TryGetValue(WorkloadLabels.RevisionHash, out var revisionHash) ? revisionHash : "";
        var revision = labels.TryGetValue(WorkloadLabels.Revision, out var text) && long.TryParse(text, CultureInfo.InvariantCulture, out var number) ? number : 0;
        var pods = (await PodsAsync(@namespace, name, hash, cancellationToken)).Where(pod => pod.Metadata.DeletionTimestamp is null).ToList();
        var containers = pods.SelectMany(pod => pod.Status?.ContainerStatuses ?? []).Where(c => c.Name == AppManifests.ContainerName).ToList();
        return new AppWorkload(
            revision,
            hash,
            deployment.Spec.Replicas ?? 1,
            pods.Where(IsReady).Select(pod => $"http://{pod.Status.PodIP}:{AppManifests.AppPort}").ToList(),
            containers.Sum(c => c.RestartCount),
            containers.Any(c => c.State?.Waiting?.Reason == "CrashLoopBackOff"),
            containers.Select(Failure).LastOrDefault(f => f is not null));
    }

    public async Task<RolloutResult> RolloutAsync(AppRevision revision, CancellationToken cancellationToken)
    {
        var (@namespace, name) = (revision.Namespace, revision.Name);
        var previous = await TryReadDeploymentAsync(@namespace, name, cancellationToken);
        await CreateConfigMapAsync(AppManifests.ConfigMap(revision.Owner, revision), cancellationToken);
        await ApplyAsync(AppManifests.Service(revision.Owner), cancellationToken);
        await ApplyAsync(manifests.VirtualService(revision.Owner), cancellationToken);
        var applied = await ApplyAsync(manifests.Deployment(revision.Owner, revision), cancellationToken);

        var deadline = options.Value.ProgressDeadline + TimeSpan.FromSeconds(10);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(deadline);
        string? failure = null;
        V1Pod? failing = null;
        try
        {
            while (true)
            {
                var deployment = await TryReadDeploymentAsync(@namespace, name, timeout.Token)
                    ?? throw new InvalidOperationException($"the Deployment {@namespace}/{name} was deleted during its rollout");
                if (IsComplete(deployment, applied.Metadata.Generation))
                {
                    LogRolledOut(logger, @namespace, name, revision.Revision);
                    return RolloutResult.Success;
                }
                if (Condition(deployment, "Progressing") is { Status: "False", Reason: "ProgressDeadlineExceeded" } stalled)
                {
                    failure = $"revision {revision.Revision} did not become available: {stalled.Message}";
                }
                foreach (var pod in await PodsAsync(@namespace, name, revision.Hash, timeout.Token))
                {
                    if (pod.Status?.ContainerStatuses?.FirstOrDefault(c => c.Name == AppManifests.ContainerName) is { State.Waiting.Reason: { } reason } container
                        && Hopeless.Contains(reason) && (reason != "CrashLoopBackOff" || container.RestartCount > 0))
                    {
                        failure = $"revision {revision.Revision} did not start: {reason}{(Failure(container) is { } why ? $" ({why})" : "")}";
                        failing = pod;
                    }
                }
                if (failure is not null)
                {
                    break;
                }
                await Task.Delay(PollInterval, timeout.Token);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            failure = $"revision {revision.Revision} did not become available within {deadline.TotalSeconds:F0} s";
        }
        failing ??= (await PodsAsync(@namespace, name, revision.Hash, cancellationToken)).FirstOrDefault();
        var tail = failing is null ? "" : await LogTailAsync(failing, cancellationToken);
        await RollBackAsync(@namespace, name, previous, cancellationToken);
        LogRolloutFailed(logger, @namespace, name, revision.Revision, failure);
        return RolloutResult.Failure(failure, tail);
    }

    /// <summary>Nothing to do: the Deployment scales the previous ReplicaSet down itself once the new one is available.</summary>
    public void ReleasePreviousRevision(string @namespace, string name)
    {
    }

    public async Task ScaleAsync(string @namespace, string name, int replicas, CancellationToken cancellationToken)
    {
        var patch = new V1Patch($"{{\"spec\":{{\"replicas\":{replicas.ToString(CultureInfo.InvariantCulture)}}}}}", V1Patch.PatchType.MergePatch);
        await IgnoreNotFoundAsync(() => kubernetes.AppsV1.PatchNamespacedDeploymentAsync(patch, name, @namespace, cancellationToken: cancellationToken));
    }

    public async Task StopAsync(string @namespace, string name, bool removeFiles, CancellationToken cancellationToken)
    {
        if (!removeFiles)
        {
            await ScaleAsync(@namespace, name, 0, cancellationToken);
            return;
        }
        // The App's owner references would take these with it too; deleting them here lets the finalizer finish at once.
        var selector = $"{WorkloadLabels.App}={name},{ManagedBy}";
        await IgnoreNotFoundAsync(() => kubernetes.AppsV1.DeleteNamespacedDeploymentAsync(name, @namespace, cancellationToken: cancellationToken));
        await IgnoreNotFoundAsync(() => kubernetes.CoreV1.DeleteNamespacedServiceAsync(name, @namespace, cancellationToken: cancellationToken));
        await IgnoreNotFoundAsync(() => kubernetes.CustomObjects.DeleteNamespacedCustomObjectAsync(
            IstioNetworking.Group, IstioNetworking.Version, @namespace, ResourceDefinitions.VirtualService.Plural, name, cancellationToken: cancellationToken));
        foreach (var configMap in (await kubernetes.CoreV1.ListNamespacedConfigMapAsync(@namespace, labelSelector: selector, cancellationToken: cancellationToken)).Items)
        {
            await IgnoreNotFoundAsync(() => kubernetes.CoreV1.DeleteNamespacedConfigMapAsync(configMap.Metadata.Name, @namespace, cancellationToken: cancellationToken));
        }
    }

    public async Task<Stream?> OpenLogAsync(string @namespace, string name, long? revision, bool follow, int? tailLines, CancellationToken cancellationToken)
    {
        var selector = $"{WorkloadLabels.App}={name},{ManagedBy}"
            + (revision is { } number ? $",{WorkloadLabels.Revision}={number.ToString(CultureInfo.InvariantCulture)}" : "");
        var pods = (await kubernetes.CoreV1.ListNamespacedPodAsync(@namespace, labelSelector: selector, cancellationToken: cancellationToken)).Items;
        // The serving revision's ready pod first, else the newest: the one a person is looking for.
        var pod = pods.OrderByDescending(IsReady).ThenByDescending(p => p.Metadata.CreationTimestamp).FirstOrDefault();
        return pod is null ? null : await kubernetes.CoreV1.ReadNamespacedPodLogAsync(
            pod.Metadata.Name, @namespace, container: AppManifests.ContainerName, follow: follow, tailLines: tailLines, cancellationToken: cancellationToken);
    }

    private async Task RollBackAsync(string @namespace, string name, V1Deployment? previous, CancellationToken cancellationToken)
    {
        if (previous is null)
        {
            await IgnoreNotFoundAsync(() => kubernetes.AppsV1.DeleteNamespacedDeploymentAsync(name, @namespace, cancellationToken: cancellationToken));
            return;
        }
        // The previous object as it was applied: what the server added (status, uid, resourceVersion) is not ours to apply.
        await ApplyAsync(new V1Deployment
        {
            ApiVersion = "apps/v1",
            Kind = "Deployment",
            Metadata = new V1ObjectMeta
            {
                Name = previous.Metadata.Name,
                NamespaceProperty = previous.Metadata.NamespaceProperty,
                Labels = previous.Metadata.Labels,
                Annotations = previous.Metadata.Annotations,
                OwnerReferences = previous.Metadata.OwnerReferences,
            },
            Spec = previous.Spec,
        }, cancellationToken);
    }

    /// <summary>The last lines of the app's output in the pod: of the run that ended, when it is waiting to start again.</summary>
    private async Task<string> LogTailAsync(V1Pod pod, CancellationToken cancellationToken)
    {
        var restarted = pod.Status?.ContainerStatuses?.Any(c => c.Name == AppManifests.ContainerName && c.RestartCount > 0 && c.State?.Running is null) == true;
        try
        {
            await using var log = await kubernetes.CoreV1.ReadNamespacedPodLogAsync(
                pod.Metadata.Name, pod.Metadata.NamespaceProperty, container: AppManifests.ContainerName, previous: restarted, tailLines: LogTailLines,
                cancellationToken: cancellationToken);
            using var reader = new StreamReader(log);
            return await reader.ReadToEndAsync(cancellationToken);
        }
        catch (HttpOperationException)
        {
            // A container that never started has no log; the reason says why.
            return "";
        }
    }

    private async Task<IList<V1Pod>> PodsAsync(string @namespace, string name, string hash, CancellationToken cancellationToken) =>
        (await kubernetes.CoreV1.ListNamespacedPodAsync(
            @namespace, labelSelector: $"{WorkloadLabels.App}={name},{WorkloadLabels.RevisionHash}={hash}", cancellationToken: cancellationToken)).Items;

    private async Task<V1Deployment?> TryReadDeploymentAsync(string @namespace, string name, CancellationToken cancellationToken)
    {
        try
        {
            return await kubernetes.AppsV1.ReadNamespacedDeploymentAsync(name, @namespace, cancellationToken: cancellationToken);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    private async Task CreateConfigMapAsync(V1ConfigMap configMap, CancellationToken cancellationToken)
    {
        try
        {
            await kubernetes.CoreV1.CreateNamespacedConfigMapAsync(configMap, configMap.Metadata.NamespaceProperty, cancellationToken: cancellationToken);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict)
        {
            // Immutable and named by the revision's hash: the one there holds the same files.
        }
    }

    private Task<V1Deployment> ApplyAsync(V1Deployment deployment, CancellationToken cancellationToken) =>
        kubernetes.AppsV1.PatchNamespacedDeploymentAsync(Apply(deployment), deployment.Metadata.Name, deployment.Metadata.NamespaceProperty,
            fieldManager: FieldManager, force: true, cancellationToken: cancellationToken);

    private Task<V1Service> ApplyAsync(V1Service service, CancellationToken cancellationToken) =>
        kubernetes.CoreV1.PatchNamespacedServiceAsync(Apply(service), service.Metadata.Name, service.Metadata.NamespaceProperty,
            fieldManager: FieldManager, force: true, cancellationToken: cancellationToken);

    private Task<object> ApplyAsync(VirtualService virtualService, CancellationToken cancellationToken) =>
        kubernetes.CustomObjects.PatchNamespacedCustomObjectAsync(Apply(virtualService), IstioNetworking.Group, IstioNetworking.Version,
            virtualService.Metadata.NamespaceProperty, ResourceDefinitions.VirtualService.Plural, virtualService.Metadata.Name,
            fieldManager: FieldManager, force: true, cancellationToken: cancellationToken);

    private static V1Patch Apply(object obj) => new(KubernetesJson.Serialize(obj), V1Patch.PatchType.ApplyPatch);

    /// <summary>Available with every replica of the current template updated, as <c>kubectl rollout status</c> waits for.</summary>
    private static bool IsComplete(V1Deployment deployment, long? generation)
    {
        var status = deployment.Status;
        var replicas = deployment.Spec.Replicas ?? 1;
        return status is not null
            && status.ObservedGeneration >= (generation ?? 0)
            && (status.UpdatedReplicas ?? 0) >= replicas
            && (status.Replicas ?? 0) <= replicas
            && (status.AvailableReplicas ?? 0) >= replicas
            && Condition(deployment, "Progressing")?.Reason == "NewReplicaSetAvailable";
    }

    private static V1DeploymentCondition? Condition(V1Deployment deployment, string type) =>
        deployment.Status?.Conditions?.FirstOrDefault(c => c.Type == type);

    private static bool IsReady(V1Pod pod) =>
        pod.Metadata.DeletionTimestamp is null && pod.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true;

    /// <summary>Why the container last stopped, in a few words: "exit code 1 (Error)", or "OOMKilled".</summary>
    private static string? Failure(V1ContainerStatus container) =>
        (container.State?.Terminated ?? container.LastState?.Terminated) is { } terminated
            ? terminated.Reason == "OOMKilled" ? "OOMKilled" : $"exit code {terminated.ExitCode} ({terminated.Reason ?? "Error"})"
            : null;

    private static async Task IgnoreNotFoundAsync(Func<Task> call)
    {
        try
        {
            await call();
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            // Already gone.
        }
    }

    [LoggerMessage(EventId = 2411, Level = LogLevel.Information, Message = "App {Namespace}/{Name}: revision {Revision} is available")]
    private static partial void LogRolledOut(ILogger logger, string @namespace, string name, long revision);

    [LoggerMessage(EventId = 2412, Level = LogLevel.Warning, Message = "App {Namespace}/{Name}: revision {Revision} failed, the previous one serves: {Reason}")]
    private static partial void LogRolloutFailed(ILogger logger, string @namespace, string name, long revision, string reason);
}
