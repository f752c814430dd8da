using System.Text.Json;
using AeroGrid.Api.Client;
using k8s;
using k8s.Models;

namespace AeroGrid.Tests.Infrastructure.Cluster;

/// <summary>
/// The cluster simulator and a real Operator on its cluster backend. The control plane stores the Kubernetes kinds; the
/// test doubles play what cannot run here: the Deployment, ReplicaSet and Job controllers, the kubelet of one node
/// (pods as real processes, Kaniko as a real pip install) and an OCI registry with token authentication. The Operator
/// process (<c>Operator:Backend=kubernetes</c>) reaches the API through KubernetesClient as in a cluster.
/// </summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    public const string Repository = "aerogrid/env";
    public const string PlatformNamespace = "aerogrid-system";
    public const string PushSecret = "aerogrid-registry-push";
    public static readonly string[] Tenants = ["acme", "globex"];

    private readonly string _directory = Directory.CreateTempSubdirectory("aerogrid-cluster-").FullName;
    private readonly int _operatorPort = ServiceProcess.FreePort();
    private KubeletCertificateAuthority? _authority;
    private OciRegistryDouble? _registry;
    private KubeletDouble? _kubelet;
    private DeploymentControllerDouble? _deployments;
    private ReplicaSetControllerDouble? _replicaSets;
    private JobControllerDouble? _jobs;
    private ServiceProcess? _operator;

    public ControlPlaneFixture ControlPlane { get; } = new();

    public ApiClient Api { get; private set; } = null!;

    internal IKubernetes Kubernetes => Api.Kubernetes;

    internal OciRegistryDouble Registry => _registry ?? throw new InvalidOperationException("not started");

    internal KubeletDouble Kubelet => _kubelet ?? throw new InvalidOperationException("not started");

    internal ServiceProcess Operator => _operator ?? throw new InvalidOperationException("not started");

    private string Wheelhouse => Path.Combine(_directory, "wheelhouse");

    private Uri OperatorUrl => new($"http://127.0.0.1:{_operatorPort}");

    /// <summary>What the controller doubles last failed on, if anything: a clue when a test times out.</summary>
    public string ControllerFailures => string.Join("; ", new[] { _deployments?.LastFailure, _replicaSets?.LastFailure, _jobs?.LastFailure }
        .OfType<Exception>().Select(e => e.Message));

    public string ImageReference(string hash) => $"{Registry.Host}/{Repository}:{hash}";

    public async ValueTask InitializeAsync()
    {
        Infrastructure.Wheelhouse.AddWheel(Wheelhouse, "greeting", "1.0", "def greet():\n    return 'hello from a wheel'\n");
        // The kubelet's CA exists before the control plane starts, which reads pods' logs only from kubelets it signed.
        _authority = KubeletCertificateAuthority.Create(Path.Combine(_directory, "pki"));
        ControlPlane.Settings["ControlPlane:KubeletCertificateAuthority"] = _authority.Path;
        ControlPlane.Settings["ControlPlane:Tenants:2"] = PlatformNamespace;
        ControlPlane.Settings["ControlPlane:LogsUrl"] = OperatorUrl.ToString();
        await ControlPlane.InitializeAsync();
        Api = await ControlPlane.AdminApiAsync();

        _registry = await OciRegistryDouble.StartAsync(RegistryAuthMode.Bearer, CancellationToken.None);
        foreach (var @namespace in Tenants.Append(PlatformNamespace))
        {
            await Kubernetes.CoreV1.CreateNamespacedSecretAsync(PushSecretOf(_registry.Host), @namespace);
        }
        _kubelet = new KubeletDouble(Kubernetes, _authority, Path.Combine(_directory, "node"), Wheelhouse, push: PushAsync);
        await _kubelet.StartAsync(CancellationToken.None);
        _deployments = new DeploymentControllerDouble(Kubernetes, TimeProvider.System);
        _replicaSets = new ReplicaSetControllerDouble(Kubernetes);
        _jobs = new JobControllerDouble(Kubernetes, TimeProvider.System);
        _deployments.Start();
        _replicaSets.Start();
        _jobs.Start();
        await StartOperatorAsync();
    }

    public async Task StartOperatorAsync()
    {
        _operator = ServiceProcess.Start("AeroGrid.Operator",
        [
            "--urls", OperatorUrl.ToString(),
            "--Auth:Authority", ControlPlane.Issuer.ToString(),
            "--Operator:ApiServer", ControlPlane.Url.ToString(),
            "--Operator:TokenEndpoint", new Uri(ControlPlane.Issuer, "oauth/token").ToString(),
            "--Operator:Backend", "kubernetes",
            "--Operator:Kubernetes:Registry", Registry.Host,
            "--Operator:Kubernetes:Repository", Repository,
            "--Operator:Kubernetes:InsecureRegistry", "true",
            "--Operator:Kubernetes:PlatformNamespace", PlatformNamespace,
            "--Operator:Kubernetes:ProgressDeadline", "00:00:30",
        ]);
        await _operator.WaitHealthyAsync(new Uri(OperatorUrl, "/health"));
    }

    /// <summary>A log subresource (<c>apps/{name}</c> or <c>images/{name}</c>) as a tenant reads it through the API.</summary>
    public async Task<string> LogAsync(string tenant, string resource)
    {
        using var http = ControlPlane.Client(await ControlPlane.TokenAsync(tenant));
        return await http.GetStringAsync($"/apis/aerogrid.io/v1alpha1/namespaces/{tenant}/{resource}/log");
    }

    /// <summary>SIGKILL: the Operator dies mid-work; what it made in the cluster stays.</summary>
    public Task KillOperatorAsync() => Operator.KillAsync();

    /// <summary>What the Kaniko double built reaches the registry, as Kaniko's push of <c>--destination</c> does.</summary>
    private async Task PushAsync(string reference)
    {
        var path = reference[(reference.IndexOf('/', StringComparison.Ordinal) + 1)..];
        var colon = path.LastIndexOf(':');
        await Registry.PushImageAsync(path[..colon], path[(colon + 1)..], CancellationToken.None);
    }

    private static V1Secret PushSecretOf(string registry) => new()
    {
        Metadata = new() { Name = PushSecret },
        Type = "kubernetes.io/dockerconfigjson",
        Data = new Dictionary<string, byte[]>
        {
            [".dockerconfigjson"] = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
            {
                ["auths"] = new Dictionary<string, object>
                {
                    [registry] = new { username = OciRegistryDouble.Username, password = OciRegistryDouble.Password },
                },
            }),
        },
    };

    public async ValueTask DisposeAsync()
    {
        if (_operator is not null)
        {
            await _operator.StopAsync();
            await _operator.DisposeAsync();
        }
        foreach (var controller in new IAsyncDisposable?[] { _jobs, _replicaSets, _deployments, _kubelet, _registry })
        {
            if (controller is not null)
            {
                await controller.DisposeAsync();
            }
        }
        Api?.Dispose();
        await ControlPlane.DisposeAsync();
        _authority?.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}

[CollectionDefinition(Name)]
public sealed class ClusterGroup : ICollectionFixture<ClusterFixture>
{
    public const string Name = "Cluster";
}
