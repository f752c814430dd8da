using k8s;
using k8s.Models;

namespace AeroGrid.Tests.Infrastructure.Cluster;

/// <summary>What the controller doubles read alike: who controls an object, and a pod's state as a controller counts it.</summary>
internal static class ClusterObjects
{
    public static bool IsControlledBy(IKubernetesObject<V1ObjectMeta> obj, IKubernetesObject<V1ObjectMeta> owner) =>
        obj.Metadata.OwnerReferences?.Any(reference => reference.Controller == true && reference.Uid == owner.Metadata.Uid) == true;

    /// <summary>The owner reference the real controllers set: controller, and blocking the owner's foreground deletion.</summary>
    public static V1OwnerReference ControllerReference(IKubernetesObject<V1ObjectMeta> owner, string apiVersion, string kind) => new()
    {
        ApiVersion = apiVersion,
        Kind = kind,
        Name = owner.Metadata.Name,
        Uid = owner.Metadata.Uid,
        Controller = true,
        BlockOwnerDeletion = true,
    };

    /// <summary>An object as the API writes it, to tell whether a status changed; nothing for null.</summary>
    public static string Json(object? value) => value is null ? "" : KubernetesJson.Serialize(value);

    public static bool IsReady(V1Pod pod) =>
        pod.Metadata.DeletionTimestamp is null && pod.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true;

    public static bool IsTerminal(V1Pod pod) => pod.Status?.Phase is "Succeeded" or "Failed";

    /// <summary>A pod that counts toward a controller's replicas: neither being deleted nor finished.</summary>
    public static bool IsActive(V1Pod pod) => pod.Metadata.DeletionTimestamp is null && !IsTerminal(pod);

    /// <summary>A pod made from a template, bound to the one node (there is no scheduler double).</summary>
    public static V1Pod PodFrom(V1PodTemplateSpec template, string @namespace, V1ObjectMeta metadata)
    {
        var spec = KubernetesJson.Deserialize<V1PodSpec>(KubernetesJson.Serialize(template.Spec));
        spec.NodeName = ClusterConventions.NodeName;
        metadata.NamespaceProperty = @namespace;
        metadata.Labels = new Dictionary<string, string>(template.Metadata?.Labels ?? new Dictionary<string, string>(), StringComparer.Ordinal);
        metadata.Annotations = template.Metadata?.Annotations is { } annotations ? new Dictionary<string, string>(annotations, StringComparer.Ordinal) : null;
        return new V1Pod { ApiVersion = "v1", Kind = "Pod", Metadata = metadata, Spec = spec };
    }
}
