using k8s;
using k8s.Models;

namespace AeroGrid.Tests.Infrastructure.Cluster;

/// <summary>
/// A test double of kube-controller-manager's ReplicaSet controller: it keeps <c>spec.replicas</c> pods of each
/// ReplicaSet, made from its template and bound to the node, replaces failed ones, removes the surplus (not ready first,
/// then the newest), and reports replicas, fullyLabeledReplicas, readyReplicas and availableReplicas.
/// </summary>
/// <remarks>Left out: minReadySeconds (a ready pod is available at once), adoption of orphaned pods, and expectations.</remarks>
internal sealed class ReplicaSetControllerDouble(IKubernetes kubernetes) : IAsyncDisposable
{
    private ControllerLoop? _loop;

    /// <summary>What its last failed pass threw, for a test that times out to tell.</summary>
    public Exception? LastFailure => _loop?.LastFailure;

    public void Start()
    {
        _loop = new ControllerLoop(PassAsync,
            ControllerLoop.Watching<V1ReplicaSet>((onError, token) => kubernetes.AppsV1.WatchListReplicaSetForAllNamespacesAsync(onError: onError, cancellationToken: token)),
            ControllerLoop.Watching<V1Pod>((onError, token) => kubernetes.CoreV1.WatchListPodForAllNamespacesAsync(onError: onError, cancellationToken: token)));
        _loop.Start();
    }

    private async Task PassAsync(CancellationToken cancellationToken)
    {
        var replicaSets = (await kubernetes.AppsV1.ListReplicaSetForAllNamespacesAsync(cancellationToken: cancellationToken)).Items;
        var pods = (await kubernetes.CoreV1.ListPodForAllNamespacesAsync(cancellationToken: cancellationToken)).Items;
        foreach (var replicaSet in replicaSets.Where(rs => rs.Metadata.DeletionTimestamp is null))
        {
            var owned = pods.Where(pod => ClusterObjects.IsControlledBy(pod, replicaSet)).ToList();
            await ReconcileAsync(replicaSet, owned, cancellationToken);
        }
    }

    private async Task ReconcileAsync(V1ReplicaSet replicaSet, List<V1Pod> owned, CancellationToken cancellationToken)
    {
        var @namespace = replicaSet.Metadata.NamespaceProperty;
        foreach (var failed in owned.Where(pod => pod.Status?.Phase == "Failed" && pod.Metadata.DeletionTimestamp is null))
        {
            await kubernetes.CoreV1.DeleteNamespacedPodAsync(failed.Metadata.Name, @namespace, cancellationToken: cancellationToken);
        }
        var active = owned.Where(ClusterObjects.IsActive).ToList();
        var desired = replicaSet.Spec.Replicas ?? 1;
        for (var i = active.Count; i < desired; i++)
        {
            var pod = ClusterObjects.PodFrom(replicaSet.Spec.Template, @namespace, new V1ObjectMeta
            {
                GenerateName = replicaSet.Metadata.Name + "-",
                OwnerReferences = [ClusterObjects.ControllerReference(replicaSet, "apps/v1", "ReplicaSet")],
            });
            active.Add(await kubernetes.CoreV1.CreateNamespacedPodAsync(pod, @namespace, cancellationToken: cancellationToken));
        }
        // As the real controller ranks them for deletion: not ready before ready, newer before older.
        foreach (var surplus in active.OrderBy(ClusterObjects.IsReady).ThenByDescending(pod => pod.Metadata.CreationTimestamp).Take(Math.Max(0, active.Count - desired)).ToList())
        {
            await kubernetes.CoreV1.DeleteNamespacedPodAsync(surplus.Metadata.Name, @namespace, cancellationToken: cancellationToken);
            active.Remove(surplus);
        }
        var ready = active.Count(ClusterObjects.IsReady);
        var status = new V1ReplicaSetStatus
        {
            Replicas = active.Count,
            FullyLabeledReplicas = active.Count,
            ReadyReplicas = ready,
            AvailableReplicas = ready,
            ObservedGeneration = replicaSet.Metadata.Generation,
        };
        if (ClusterObjects.Json(status) != ClusterObjects.Json(replicaSet.Status))
        {
            replicaSet.Status = status;
            await kubernetes.AppsV1.ReplaceNamespacedReplicaSetStatusAsync(replicaSet, replicaSet.Metadata.Name, @namespace, cancellationToken: cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_loop is not null)
        {
            await _loop.DisposeAsync();
        }
    }
}
