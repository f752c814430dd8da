using k8s;
using k8s.Authentication;

namespace AeroGrid.Api.Client;

/// <summary>Where the API is and who a component is there, as KubernetesClient's own configuration.</summary>
public static class ApiConnection
{
    /// <summary>
    /// Inside a pod, the pod's service account (KubernetesClient's in-cluster configuration re-reads the token file,
    /// which the kubelet rotates). Outside one, <paramref name="kubeconfig"/> when set, such as the dev issuer's
    /// <c>/dev-issuer/kubeconfig</c>. Otherwise <paramref name="server"/> with the tokens of <paramref name="tokens"/>,
    /// the platform's client-credentials identity locally. Given <paramref name="tokens"/> always win over the
    /// configuration's own credentials: the Portal calls as the person it serves, in a cluster too.
    /// </summary>
    public static KubernetesClientConfiguration Configure(Uri? server, ITokenProvider? tokens, string? kubeconfig = null)
    {
        var configuration = KubernetesClientConfiguration.IsInCluster() ? KubernetesClientConfiguration.InClusterConfig()
            : !string.IsNullOrEmpty(kubeconfig) ? KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig)
            : new KubernetesClientConfiguration { Host = (server ?? throw new ArgumentNullException(nameof(server))).ToString() };
        if (tokens is not null)
        {
            configuration.AccessToken = null;
            configuration.TokenProvider = tokens;
        }
        return configuration;
    }

    /// <summary>
    /// A client for the configuration; dispose it with its owner. <paramref name="handlers"/> stand between it and the
    /// network, as in KubernetesClient's own constructor.
    /// </summary>
    public static ApiClient Connect(KubernetesClientConfiguration configuration, params DelegatingHandler[] handlers) =>
        new(new Kubernetes(configuration, [new AbandonedWatchHandler(), .. handlers]));
}
