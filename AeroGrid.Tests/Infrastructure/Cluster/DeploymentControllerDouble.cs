using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using k8s;
using k8s.Models;

namespace AeroGrid.Tests.Infrastructure.Cluster;

/// <summary>
/// A test double of kube-controller-manager's Deployment controller, after
/// https://kubernetes.io/docs/concepts/workloads/controllers/deployment/: one ReplicaSet per pod template (named and
/// labelled by the template's hash, <c>pod-template-hash</c>), a rolling update within maxSurge and maxUnavailable (with
/// maxUnavailable 0 the old ReplicaSet keeps its pods until the new one's are available), the Available and Progressing
/// conditions with the controller's reasons, ProgressDeadlineExceeded once a rollout makes no progress for
/// <c>progressDeadlineSeconds</c>, and the revisionHistoryLimit on old ReplicaSets.
/// </summary>
/// <remarks>
/// Left out: Recreate's wait for old pods to terminate (it scales old to 0 and new up in one pass), proportional scaling
/// of several old ReplicaSets during a rollout, pausing, minReadySeconds, and collision counts.
/// </remarks>
internal sealed class DeploymentControllerDouble(IKubernetes kubernetes, TimeProvider time) : IAsyncDisposable
{
    private const string RevisionAnnotation = "deployment.kubernetes.io/revision";
    private const string HashLabel = "pod-template-hash";

    // Per Deployment (uid), the new ReplicaSet and its available pods when last seen: a change is progress.
    private readonly Dictionary<string, (string Name, int Available)> _progress = new(StringComparer.Ordinal);
    private ControllerLoop? _loop;

    /// <summary>What its last failed pass threw, for a test that times out to tell.</summary>
    public Exception? LastFailure => _loop?.LastFailure;

    public void Start()
    {
        _loop = new ControllerLoop(PassAsync,
            ControllerLoop.Watching<V1Deployment>((onError, token) => kubernetes.AppsV1.WatchListDeploymentForAllNamespacesAsync(onError: onError, cancellationToken: token)),
            ControllerLoop.Watching<V1ReplicaSet>((onError, token) => kubernetes.AppsV1.WatchListReplicaSetForAllNamespacesAsync(onError: onError, cancellationToken: token)));
        _loop.Start();
    }

    private async Task PassAsync(CancellationToken cancellationToken)
    {
        var deployments = (await kubernetes.AppsV1.ListDeploymentForAllNamespacesAsync(cancellationToken: cancellationToken)).Items;
        var replicaSets = (await kubernetes.AppsV1.ListReplicaSetForAllNamespacesAsync(cancellationToken: cancellationToken)).Items;
        foreach (var deployment in deployments.Where(d => d.Metadata.DeletionTimestamp is null))
        {
            await ReconcileAsync(deployment, [.. replicaSets.Where(rs => ClusterObjects.IsControlledBy(rs, deployment))], cancellationToken);
        }
    }

    private async Task ReconcileAsync(V1Deployment deployment, List<V1ReplicaSet> owned, CancellationToken cancellationToken)
    {
        var @namespace = deployment.Metadata.NamespaceProperty;
        var desired = deployment.Spec.Replicas ?? 1;
        var hash = TemplateHash(deployment.Spec.Template);
        var current = owned.FirstOrDefault(rs => Value(rs.Metadata.Labels, HashLabel) == hash);
        var old = owned.Where(rs => rs != current).OrderBy(Revision).ToList();
        string? progress = null;
        if (current is null)
        {
            current = await kubernetes.AppsV1.CreateNamespacedReplicaSetAsync(
                NewReplicaSet(deployment, hash, owned.Select(Revision).DefaultIfEmpty(0).Max() + 1), @namespace, cancellationToken: cancellationToken);
            progress = "NewReplicaSetCreated";
        }

        var (maxSurge, maxUnavailable) = Bounds(deployment, desired);
        int target;
        if (deployment.Spec.Strategy?.Type == "Recreate")
        {
            foreach (var replicaSet in old)
            {
                await ScaleAsync(replicaSet, 0, cancellationToken);
            }
            target = desired;
        }
        else
        {
            var total = old.Sum(rs => rs.Spec.Replicas ?? 0) + (current.Spec.Replicas ?? 0);
            target = Math.Min(desired, Math.Max(current.Spec.Replicas ?? 0, (current.Spec.Replicas ?? 0) + desired + maxSurge - total));
            // Old pods go only as far as availability allows: never below desired - maxUnavailable available pods. Pods of
            // old ReplicaSets that are not available serve nobody, and go first.
            var available = owned.Sum(rs => rs.Status?.AvailableReplicas ?? 0);
            var removable = Math.Max(0, available - (desired - maxUnavailable));
            foreach (var replicaSet in old)
            {
                var replicas = replicaSet.Spec.Replicas ?? 0;
                var unavailable = replicas - (replicaSet.Status?.AvailableReplicas ?? 0);
                var reduce = Math.Min(replicas, Math.Max(0, unavailable) + removable);
                removable -= Math.Max(0, reduce - Math.Max(0, unavailable));
                await ScaleAsync(replicaSet, replicas - reduce, cancellationToken);
            }
        }
        if (target != (current.Spec.Replicas ?? 0))
        {
            current = await ScaleAsync(current, target, cancellationToken);
            progress ??= "ReplicaSetUpdated";
        }
        await DeleteBeyondHistoryAsync(deployment, old, cancellationToken);
        await WriteStatusAsync(deployment, current, old, desired, maxUnavailable, progress, cancellationToken);
    }

    private static V1ReplicaSet NewReplicaSet(V1Deployment deployment, string hash, long revision)
    {
        var template = KubernetesJson.Deserialize<V1PodTemplateSpec>(KubernetesJson.Serialize(deployment.Spec.Template));
        template.Metadata ??= new V1ObjectMeta();
        template.Metadata.Labels = new Dictionary<string, string>(template.Metadata.Labels ?? new Dictionary<string, string>(), StringComparer.Ordinal) { [HashLabel] = hash };
        var selector = KubernetesJson.Deserialize<V1LabelSelector>(KubernetesJson.Serialize(deployment.Spec.Selector));
        selector.MatchLabels = new Dictionary<string, string>(selector.MatchLabels ?? new Dictionary<string, string>(), StringComparer.Ordinal) { [HashLabel] = hash };
        return new V1ReplicaSet
        {
            ApiVersion = "apps/v1",
            Kind = "ReplicaSet",
            Metadata = new V1ObjectMeta
            {
                Name = $"{deployment.Metadata.Name}-{hash}",
                NamespaceProperty = deployment.Metadata.NamespaceProperty,
                Labels = template.Metadata.Labels,
                Annotations = new Dictionary<string, string> { [RevisionAnnotation] = revision.ToString(CultureInfo.InvariantCulture) },
                OwnerReferences = [ClusterObjects.ControllerReference(deployment, "apps/v1", "Deployment")],
            },
            Spec = new V1ReplicaSetSpec { Replicas = 0, Selector = selector, Template = template },
        };
    }

    private async Task<V1ReplicaSet> ScaleAsync(V1ReplicaSet replicaSet, int replicas, CancellationToken cancellationToken)
    {
        if ((replicaSet.Spec.Replicas ?? 0) == replicas)
        {
            return replicaSet;
        }
        var patch = new V1Patch($"{{\"spec\":{{\"replicas\":{replicas.ToString(CultureInfo.InvariantCulture)}}}}}", V1Patch.PatchType.MergePatch);
        return await kubernetes.AppsV1.PatchNamespacedReplicaSetAsync(patch, replicaSet.Metadata.Name, replicaSet.Metadata.NamespaceProperty, cancellationToken: cancellationToken);
    }

    private async Task DeleteBeyondHistoryAsync(V1Deployment deployment, List<V1ReplicaSet> old, CancellationToken cancellationToken)
    {
        var idle = old.Where(rs => (rs.Spec.Replicas ?? 0) == 0 && (rs.Status?.Replicas ?? 0) == 0).ToList();
        foreach (var replicaSet in idle.Take(Math.Max(0, idle.Count - (deployment.Spec.RevisionHistoryLimit ?? 10))))
        {
            await kubernetes.AppsV1.DeleteNamespacedReplicaSetAsync(replicaSet.Metadata.Name, replicaSet.Metadata.NamespaceProperty, cancellationToken: cancellationToken);
        }
    }

    private async Task WriteStatusAsync(
        V1Deployment deployment, V1ReplicaSet current, List<V1ReplicaSet> old, int desired, int maxUnavailable, string? progress, CancellationToken cancellationToken)
    {
        var all = old.Append(current).ToList();
        var available = all.Sum(rs => rs.Status?.AvailableReplicas ?? 0);
        var updated = current.Status?.Replicas ?? 0;
        var complete = updated == desired && (current.Status?.AvailableReplicas ?? 0) == desired
            && old.All(rs => (rs.Status?.Replicas ?? 0) == 0 && (rs.Spec.Replicas ?? 0) == 0);
        var now = time.GetUtcNow().UtcDateTime;
        var previous = Find(deployment, "Progressing");
        // Progress: a new or scaled ReplicaSet, or another of its pods available.
        var signature = (current.Metadata.Name, current.Status?.AvailableReplicas ?? 0);
        var moved = progress is not null || !_progress.TryGetValue(deployment.Metadata.Uid, out var seen) || seen != signature;
        _progress[deployment.Metadata.Uid] = signature;
        var progressing =
            complete ? Condition("Progressing", "True", "NewReplicaSetAvailable", $"ReplicaSet \"{current.Metadata.Name}\" has successfully progressed.", previous, now, updated: previous?.Reason != "NewReplicaSetAvailable")
            // A finished rollout stays finished when pods go later: that is the Available condition's news.
            : previous?.Reason == "NewReplicaSetAvailable" && progress is null && previous.Message?.Contains($"\"{current.Metadata.Name}\"", StringComparison.Ordinal) == true ? previous
            : moved || previous is null ? Condition("Progressing", "True", progress ?? "ReplicaSetUpdated", $"ReplicaSet \"{current.Metadata.Name}\" is progressing.", previous, now, updated: true)
            : previous.Reason != "ProgressDeadlineExceeded" && now - (previous.LastUpdateTime ?? now) > TimeSpan.FromSeconds(deployment.Spec.ProgressDeadlineSeconds ?? 600)
                ? Condition("Progressing", "False", "ProgressDeadlineExceeded", $"ReplicaSet \"{current.Metadata.Name}\" has timed out progressing.", previous, now, updated: true)
            : previous;
        var availableCondition = available >= desired - maxUnavailable
            ? Condition("Available", "True", "MinimumReplicasAvailable", "Deployment has minimum availability.", Find(deployment, "Available"), now, updated: false)
            : Condition("Available", "False", "MinimumReplicasUnavailable", "Deployment does not have minimum availability.", Find(deployment, "Available"), now, updated: false);
        var status = new V1DeploymentStatus
        {
            ObservedGeneration = deployment.Metadata.Generation,
            Replicas = all.Sum(rs => rs.Status?.Replicas ?? 0),
            UpdatedReplicas = updated,
            ReadyReplicas = all.Sum(rs => rs.Status?.ReadyReplicas ?? 0),
            AvailableReplicas = available,
            UnavailableReplicas = Math.Max(0, desired - available),
            Conditions = [availableCondition, progressing],
        };
        var revision = Value(current.Metadata.Annotations, RevisionAnnotation);
        if (revision is not null && Value(deployment.Metadata.Annotations, RevisionAnnotation) != revision)
        {
            var patch = new V1Patch($"{{\"metadata\":{{\"annotations\":{{\"{RevisionAnnotation}\":\"{revision}\"}}}}}}", V1Patch.PatchType.MergePatch);
            deployment = await kubernetes.AppsV1.PatchNamespacedDeploymentAsync(patch, deployment.Metadata.Name, deployment.Metadata.NamespaceProperty, cancellationToken: cancellationToken);
        }
        if (ClusterObjects.Json(status) != ClusterObjects.Json(deployment.Status))
        {
            deployment.Status = status;
            await kubernetes.AppsV1.ReplaceNamespacedDeploymentStatusAsync(deployment, deployment.Metadata.Name, deployment.Metadata.NamespaceProperty, cancellationToken: cancellationToken);
        }
    }

    /// <summary>A condition; its lastTransitionTime moves only when its status does, its lastUpdateTime when it is updated.</summary>
    private static V1DeploymentCondition Condition(
        string type, string status, string reason, string message, V1DeploymentCondition? previous, DateTime now, bool updated) => new()
        {
            Type = type,
            Status = status,
            Reason = reason,
            Message = message,
            LastTransitionTime = previous?.Status == status ? previous.LastTransitionTime : now,
            LastUpdateTime = updated || previous is null ? now : previous.LastUpdateTime,
        };

    private static V1DeploymentCondition? Find(V1Deployment deployment, string type) => deployment.Status?.Conditions?.FirstOrDefault(c => c.Type == type);

    /// <summary>maxSurge rounds up and maxUnavailable down, of the desired replicas; both 0 would never progress, so 1 unavailable.</summary>
    private static (int Surge, int Unavailable) Bounds(V1Deployment deployment, int desired)
    {
        var rolling = deployment.Spec.Strategy?.RollingUpdate;
        var surge = Resolve(rolling?.MaxSurge, desired, roundUp: true);
        var unavailable = Resolve(rolling?.MaxUnavailable, desired, roundUp: false);
        return surge == 0 && unavailable == 0 ? (0, 1) : (surge, unavailable);
    }

    private static int Resolve(IntOrString? value, int desired, bool roundUp)
    {
        var text = value?.Value ?? "25%";
        if (!text.EndsWith('%'))
        {
            return int.Parse(text, CultureInfo.InvariantCulture);
        }
        var share = desired * int.Parse(text[..^1], CultureInfo.InvariantCulture) / 100.0;
        return (int)(roundUp ? Math.Ceiling(share) : Math.Floor(share));
    }

    private static long Revision(V1ReplicaSet replicaSet) =>
        long.TryParse(Value(replicaSet.Metadata.Annotations, RevisionAnnotation), CultureInfo.InvariantCulture, out var revision) ? revision : 0;

    private static string? Value(IDictionary<string, string>? map, string key) => map is not null && map.TryGetValue(key, out var value) ? value : null;

    /// <summary>A short, stable hash of the pod template, as the controller names and labels ReplicaSets by.</summary>
    private static string TemplateHash(V1PodTemplateSpec template)
    {
        const string Alphabet = "bcdfghjklmnpqrstvwxz2456789";
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(KubernetesJson.Serialize(template)));
        return string.Concat(digest.Take(10).Select(b => Alphabet[b % Alphabet.Length]));
    }

    public async ValueTask DisposeAsync()
    {
        if (_loop is not null)
        {
            await _loop.DisposeAsync();
        }
    }
}
