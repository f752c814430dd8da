namespace AeroGrid.Operator;

/// <summary>Where the API is, how the Operator authenticates, how much history it keeps. Bound from <c>Operator</c>.</summary>
internal sealed class OperatorOptions
{
    public const string SectionName = "Operator";

    public const string LocalBackend = "local";

    public const string KubernetesBackend = "kubernetes";

    /// <summary>
    /// What runs the apps: <c>local</c> (Python environments and processes on this machine) or <c>kubernetes</c> (Kaniko
    /// builds, Deployments, Services and Istio VirtualServices in the cluster the API server runs).
    /// </summary>
    public string Backend { get; set; } = LocalBackend;

    /// <summary>The API server: the local control plane, or kube-apiserver in a cluster.</summary>
    public Uri ApiServer { get; set; } = new("http://127.0.0.1:7440");

    /// <summary>An OAuth token endpoint for the client-credentials grant (the dev issuer's locally, Auth0's in production).</summary>
    public Uri? TokenEndpoint { get; set; }

    /// <summary>The OAuth client id and secret (Auth0 M2M application); the dev issuer needs neither.</summary>
    public string ClientId { get; set; } = "";

    public string ClientSecret { get; set; } = "";

    public string Audience { get; set; } = "https://api.aerogrid.io";

    /// <summary>
    /// A kubeconfig to connect with instead, such as the dev issuer's <c>/dev-issuer/kubeconfig</c>. In a pod neither
    /// is needed: KubernetesClient's in-cluster configuration uses the pod's service account.
    /// </summary>
    public string Kubeconfig { get; set; } = "";

    /// <summary>
    /// How many Revisions (revisions that served) each app keeps, the serving one included; the oldest go first.
    /// As a Deployment's <c>revisionHistoryLimit</c>, 10 by default.
    /// </summary>
    public int RevisionHistoryLimit { get; set; } = 10;
}
