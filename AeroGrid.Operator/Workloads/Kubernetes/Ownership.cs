using AeroGrid.Api.Meta;
using k8s.Models;

namespace AeroGrid.Operator.Workloads.Kubernetes;

/// <summary>The metadata of an object the backend makes for an App or an Image, which owns it.</summary>
internal static class Ownership
{
    /// <summary>
    /// Named and labelled, in its owner's namespace (an owner in another namespace counts as absent to the garbage
    /// collector), with its owner as controller: it goes when its owner goes, and a foreground deletion of the owner
    /// waits for it.
    /// </summary>
    public static V1ObjectMeta Metadata(KubernetesObject owner, string name, Dictionary<string, string> labels) => new()
    {
        Name = name,
        NamespaceProperty = owner.Metadata.NamespaceProperty,
        Labels = labels,
        OwnerReferences =
        [
            new V1OwnerReference
            {
                ApiVersion = owner.ApiVersion,
                Kind = owner.Kind,
                Name = owner.Metadata.Name,
                Uid = owner.Metadata.Uid,
                Controller = true,
                BlockOwnerDeletion = true,
            },
        ],
    };
}
