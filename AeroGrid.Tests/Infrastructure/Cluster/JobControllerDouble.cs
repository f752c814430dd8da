using System.Security.Cryptography;
using k8s;
using k8s.Models;

namespace AeroGrid.Tests.Infrastructure.Cluster;

/// <summary>
/// A test double of kube-controller-manager's Job controller and its TTL-after-finished controller, after
/// https://kubernetes.io/docs/concepts/workloads/controllers/job/: one pod at a time (parallelism and completions 1),
/// replaced after a failure while the failures stay within backoffLimit; then Complete (with SuccessCriteriaMet) or
/// Failed (with FailureTarget) for BackoffLimitExceeded or, past activeDeadlineSeconds, DeadlineExceeded; and a finished
/// Job deleted once its ttlSecondsAfterFinished passed.
/// </summary>
/// <remarks>Left out: parallelism and completions above 1, indexed Jobs, pod failure policies, the retry back-off delay, suspend.</remarks>
internal sealed class JobControllerDouble(IKubernetes kubernetes, TimeProvider time) : IAsyncDisposable
{
    private ControllerLoop? _loop;

    /// <summary>What its last failed pass threw, for a test that times out to tell.</summary>
    public Exception? LastFailure => _loop?.LastFailure;

    public void Start()
    {
        _loop = new ControllerLoop(PassAsync,
            ControllerLoop.Watching<V1Job>((onError, token) => kubernetes.BatchV1.WatchListJobForAllNamespacesAsync(onError: onError, cancellationToken: token)),
            ControllerLoop.Watching<V1Pod>((onError, token) => kubernetes.CoreV1.WatchListPodForAllNamespacesAsync(onError: onError, cancellationToken: token)));
        _loop.Start();
    }

    private async Task PassAsync(CancellationToken cancellationToken)
    {
        var jobs = (await kubernetes.BatchV1.ListJobForAllNamespacesAsync(cancellationToken: cancellationToken)).Items;
        var pods = (await kubernetes.CoreV1.ListPodForAllNamespacesAsync(cancellationToken: cancellationToken)).Items;
        foreach (var job in jobs.Where(j => j.Metadata.DeletionTimestamp is null))
        {
            await ReconcileAsync(job, [.. pods.Where(pod => ClusterObjects.IsControlledBy(pod, job))], cancellationToken);
        }
    }

    private async Task ReconcileAsync(V1Job job, List<V1Pod> pods, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        if (Finished(job) is { } finishedAt)
        {
            if (job.Spec.TtlSecondsAfterFinished is { } ttl && now >= finishedAt.AddSeconds(ttl))
            {
                await kubernetes.BatchV1.DeleteNamespacedJobAsync(job.Metadata.Name, job.Metadata.NamespaceProperty,
                    propagationPolicy: "Background", cancellationToken: cancellationToken);
            }
            return;
        }
        var before = ClusterObjects.Json(job.Status);
        var status = job.Status ?? new V1JobStatus();
        status.StartTime ??= now;
        var active = pods.Where(ClusterObjects.IsActive).ToList();
        var failed = pods.Count(pod => pod.Status?.Phase == "Failed");
        status.Failed = failed;
        status.Succeeded = pods.Count(pod => pod.Status?.Phase == "Succeeded");
        if (status.Succeeded > 0)
        {
            status.CompletionTime = now;
            status.Conditions = [Condition("SuccessCriteriaMet", "CompletionsReached", "Reached expected number of succeeded pods", now), Condition("Complete", "CompletionsReached", "Reached expected number of succeeded pods", now)];
        }
        else if (job.Spec.ActiveDeadlineSeconds is { } deadline && now >= status.StartTime.Value.AddSeconds(deadline))
        {
            await DeleteAsync(active, cancellationToken);
            active.Clear();
            status.Conditions = [Condition("FailureTarget", "DeadlineExceeded", "Job was active longer than specified deadline", now), Condition("Failed", "DeadlineExceeded", "Job was active longer than specified deadline", now)];
        }
        else if (failed > (job.Spec.BackoffLimit ?? 6))
        {
            await DeleteAsync(active, cancellationToken);
            active.Clear();
            status.Conditions = [Condition("FailureTarget", "BackoffLimitExceeded", "Job has reached the specified backoff limit", now), Condition("Failed", "BackoffLimitExceeded", "Job has reached the specified backoff limit", now)];
        }
        else if (active.Count == 0)
        {
            var pod = ClusterObjects.PodFrom(job.Spec.Template, job.Metadata.NamespaceProperty, new V1ObjectMeta
            {
                Name = $"{job.Metadata.Name}-{Suffix()}",
                OwnerReferences = [ClusterObjects.ControllerReference(job, "batch/v1", "Job")],
            });
            active.Add(await kubernetes.CoreV1.CreateNamespacedPodAsync(pod, job.Metadata.NamespaceProperty, cancellationToken: cancellationToken));
        }
        status.Active = active.Count;
        status.Ready = active.Count(ClusterObjects.IsReady);
        job.Status = status;
        if (ClusterObjects.Json(status) != before)
        {
            await kubernetes.BatchV1.ReplaceNamespacedJobStatusAsync(job, job.Metadata.Name, job.Metadata.NamespaceProperty, cancellationToken: cancellationToken);
        }
    }

    private async Task DeleteAsync(IEnumerable<V1Pod> pods, CancellationToken cancellationToken)
    {
        foreach (var pod in pods)
        {
            await kubernetes.CoreV1.DeleteNamespacedPodAsync(pod.Metadata.Name, pod.Metadata.NamespaceProperty, cancellationToken: cancellationToken);
        }
    }

    /// <summary>When the Job finished, Complete or Failed; null while it runs.</summary>
    private static DateTime? Finished(V1Job job) =>
        job.Status?.Conditions?.FirstOrDefault(c => c.Type is "Complete" or "Failed" && c.Status == "True")?.LastTransitionTime;

    private static V1JobCondition Condition(string type, string reason, string message, DateTime now) =>
        new() { Type = type, Status = "True", Reason = reason, Message = message, LastProbeTime = now, LastTransitionTime = now };

    private static string Suffix()
    {
        const string Alphabet = "bcdfghjklmnpqrstvwxz2456789";
        return string.Concat(Enumerable.Range(0, 5).Select(_ => Alphabet[RandomNumberGenerator.GetInt32(Alphabet.Length)]));
    }

    public async ValueTask DisposeAsync()
    {
        if (_loop is not null)
        {
            await _loop.DisposeAsync();
        }
    }
}
