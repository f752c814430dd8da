using System.Text;
using System.Text.Json.Nodes;
using AeroGrid.Api.Resources;
using AeroGrid.Api.Validation;
using k8s.Models;

namespace AeroGrid.ControlPlane.Api;

/// <summary>
/// What kube-apiserver does of its own to the Kubernetes kinds stored here for the cluster backend: the defaults the
/// controllers read, a Secret's <c>stringData</c> folded into <c>data</c>, and the fields an update may not change.
/// </summary>
/// <remarks>
/// Only what the cluster backend and the cluster doubles rely on, with kube-apiserver's values and messages; it
/// defaults many more fields (a pod's DNS policy, a container's pull policy), which nothing here reads.
/// </remarks>
internal static class ClusterKinds
{
    public static void ApplyDefaults(object obj)
    {
        switch (obj)
        {
            case V1Secret secret:
                secret.Type ??= "Opaque";
                if (secret.StringData is { Count: > 0 } text)
                {
                    secret.Data ??= new Dictionary<string, byte[]>();
                    foreach (var (key, value) in text)
                    {
                        secret.Data[key] = Encoding.UTF8.GetBytes(value);
                    }
                }
                // Write-only, as in Kubernetes: never stored, never read back.
                secret.StringData = null;
                break;
            case V1Service { Spec: { } service }:
                service.Type ??= "ClusterIP";
                foreach (var port in service.Ports ?? [])
                {
                    port.Protocol ??= "TCP";
                    port.TargetPort ??= port.Port;
                }
                break;
            case V1Deployment { Spec: { } deployment }:
                deployment.Replicas ??= 1;
                deployment.ProgressDeadlineSeconds ??= 600;
                deployment.RevisionHistoryLimit ??= 10;
                deployment.Strategy ??= new V1DeploymentStrategy();
                deployment.Strategy.Type ??= "RollingUpdate";
                if (deployment.Strategy.Type == "RollingUpdate")
                {
                    deployment.Strategy.RollingUpdate ??= new V1RollingUpdateDeployment();
                    deployment.Strategy.RollingUpdate.MaxSurge ??= "25%";
                    deployment.Strategy.RollingUpdate.MaxUnavailable ??= "25%";
                }
                PodDefaults(deployment.Template?.Spec, "Always");
                break;
            case V1ReplicaSet { Spec: { } replicaSet }:
                replicaSet.Replicas ??= 1;
                PodDefaults(replicaSet.Template?.Spec, "Always");
                break;
            case V1Job { Spec: { } job } withJob:
                SelectOwnPods(job, withJob.Metadata);
                job.BackoffLimit ??= 6;
                job.Completions ??= 1;
                job.Parallelism ??= 1;
                PodDefaults(job.Template?.Spec, restartPolicy: null);
                break;
            case V1Pod pod:
                PodDefaults(pod.Spec, "Always");
                break;
        }
    }

    /// <summary>
    /// A Job without <c>manualSelector</c> selects its pods by its uid, which kube-apiserver writes into the selector and the
    /// pod template, so two Jobs never share pods.
    /// </summary>
    private static void SelectOwnPods(V1JobSpec job, V1ObjectMeta metadata)
    {
        if (job.Selector is not null || job.ManualSelector == true || metadata.Uid is not { } uid)
        {
            return;
        }
        job.Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["batch.kubernetes.io/controller-uid"] = uid } };
        job.Template ??= new V1PodTemplateSpec();
        job.Template.Metadata ??= new V1ObjectMeta();
        job.Template.Metadata.Labels ??= new Dictionary<string, string>();
        job.Template.Metadata.Labels["batch.kubernetes.io/controller-uid"] = uid;
        job.Template.Metadata.Labels["batch.kubernetes.io/job-name"] = metadata.Name;
    }

    private static void PodDefaults(V1PodSpec? pod, string? restartPolicy)
    {
        if (pod is null)
        {
            return;
        }
        pod.RestartPolicy ??= restartPolicy;
        pod.TerminationGracePeriodSeconds ??= 30;
    }

    /// <summary>An update's changes to fields that are immutable once set, as kube-apiserver refuses them.</summary>
    public static IEnumerable<FieldError> ImmutableFieldErrors(ResourceDefinition definition, JsonObject current, JsonObject next)
    {
        if (definition == ResourceDefinitions.ConfigMap || definition == ResourceDefinitions.Secret)
        {
            if (current["immutable"]?.GetValue<bool>() != true)
            {
                yield break;
            }
            foreach (var field in new[] { "immutable", "data", "binaryData" })
            {
                if (!JsonNode.DeepEquals(current[field], next[field]))
                {
                    yield return new(field, FieldErrorReasons.Forbidden, "field is immutable when `immutable` is set");
                }
            }
            yield break;
        }
        string[] immutable = definition == ResourceDefinitions.Deployment || definition == ResourceDefinitions.ReplicaSet ? ["selector"]
            : definition == ResourceDefinitions.Job ? ["selector", "template"]
            : definition == ResourceDefinitions.Service && current["spec"]?["clusterIP"] is not null ? ["clusterIP"]
            : [];
        foreach (var field in immutable)
        {
            if (!JsonNode.DeepEquals(current["spec"]?[field], next["spec"]?[field]))
            {
                yield return new($"spec.{field}", FieldErrorReasons.Invalid, "field is immutable");
            }
        }
    }
}
