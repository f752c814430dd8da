using AeroGrid.Api.Resources;
using k8s;

namespace AeroGrid.Api.Client;

/// <summary>
/// AeroGrid's kinds over KubernetesClient: the embedded control plane locally, kube-apiserver in a cluster.
/// Core kinds (namespaces, and in a cluster ConfigMaps, Jobs, Deployments) are <see cref="Kubernetes"/>' own.
/// </summary>
public sealed class ApiClient(IKubernetes kubernetes) : IDisposable
{
    /// <summary>The KubernetesClient connection every call goes through.</summary>
    public IKubernetes Kubernetes { get; } = kubernetes ?? throw new ArgumentNullException(nameof(kubernetes));

    /// <summary>Apps of a tenant namespace.</summary>
    public ResourceClient<App> Apps => new(Kubernetes, ResourceDefinitions.App);

    /// <summary>Images (dependency environments) of a tenant namespace.</summary>
    public ResourceClient<Image> Images => new(Kubernetes, ResourceDefinitions.Image);

    /// <summary>Revisions of a tenant's apps: what each served, newest kept; select one app's with <c>aerogrid.io/app=NAME</c>.</summary>
    public ResourceClient<Revision> Revisions => new(Kubernetes, ResourceDefinitions.Revision);

    public void Dispose() => Kubernetes.Dispose();
}
