using System.Net;
using System.Security.Cryptography.X509Certificates;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace AeroGrid.Tests.Infrastructure.Cluster;

/// <summary>
/// A test double of the kubelet, with its container runtime, of the node <see cref="ClusterConventions.NodeName"/>: it
/// registers the Node, runs the containers of the pods bound to it as processes of this machine (see
/// <see cref="ContainerRun"/>), reports them through <c>pods/status</c>, and serves their logs over HTTPS at
/// <c>/containerLogs</c>, where the API server reads <c>pods/log</c>. Images are folders of Python packages in the
/// node's store (<see cref="AddImage"/>, or built by the <see cref="KanikoDouble"/>).
/// </summary>
/// <remarks>
/// Left out: the kubelet's other endpoints (exec, attach, port-forward, metrics), node leases and heartbeats, eviction,
/// static pods, and the authentication of its HTTPS callers. It watches all pods and keeps those bound to its node,
/// because the control plane's field selectors do not include spec.nodeName, which the kubelet's own watch uses.
/// </remarks>
internal sealed class KubeletDouble : IAsyncDisposable
{
    private readonly IKubernetes _kubernetes;
    private readonly KubeletCertificateAuthority _authority;
    private readonly string _directory;
    private readonly NodeImages _images;
    private readonly ContainerRuntime _runtime;
    private readonly PodAddresses _addresses = new();
    private readonly Dictionary<string, PodWorker> _pods = new(StringComparer.Ordinal);
    private readonly List<Task> _stopping = [];
    private readonly CancellationTokenSource _stop = new();
    private X509Certificate2? _certificate;
    private WebApplication? _server;
    private Task _watch = Task.CompletedTask;

    /// <param name="kubernetes">The API, as the kubelet's node credentials would reach it.</param>
    /// <param name="authority">Issues the serving certificate; the API server trusts its <see cref="KubeletCertificateAuthority.Path"/>.</param>
    /// <param name="directory">The node's disk: its image store and its pods' folders.</param>
    /// <param name="wheelhouse">Where the Kaniko double's pip finds packages (no index here).</param>
    /// <param name="push">Told of each image the Kaniko double built, e.g. by a registry double.</param>
    public KubeletDouble(
        IKubernetes kubernetes, KubeletCertificateAuthority authority, string directory, string wheelhouse,
        KubeletDoubleOptions? options = null, Func<string, Task>? push = null)
    {
        options ??= new KubeletDoubleOptions();
        _kubernetes = kubernetes;
        _authority = authority;
        _directory = directory;
        _images = new NodeImages(Path.Combine(directory, "images"));
        var prober = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseProxy = false });
        _runtime = new ContainerRuntime(_images, new KanikoDouble(_images, wheelhouse, options.Python, push), options, prober);
    }

    public string CertificateAuthorityPath => _authority.Path;

    /// <summary>The node's pod range (<c>spec.podCIDR</c>), which its pods' IPs come from.</summary>
    public string PodCidr => _addresses.Cidr;

    /// <summary>The HTTPS port of the kubelet's API, as the Node reports it.</summary>
    public int Port { get; private set; }

    /// <summary>Puts an image in the node's store: <paramref name="directory"/> holds its Python packages.</summary>
    public void AddImage(string reference, string directory) => _images.Add(reference, directory);

    public bool HasImage(string reference) => _images.Find(reference) is not null;

    /// <summary>The pid of a running container's process, for tests that check what runs.</summary>
    public int? ProcessId(string @namespace, string pod, string container)
    {
        lock (_pods)
        {
            return _pods.GetValueOrDefault($"{@namespace}/{pod}")?.Container(container)?.Pid;
        }
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var builder = LoopbackKestrel.CreateBuilder();
        var certificate = _certificate = _authority.IssueServingCertificate(IPAddress.Loopback, ClusterConventions.NodeName);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(certificate)));
        _server = builder.Build();
        _server.MapGet("/containerLogs/{namespace}/{pod}/{container}", ServeLogAsync);
        await _server.StartAsync(cancellationToken);
        Port = _server.BoundAddress().Port;
        await RegisterNodeAsync(cancellationToken);
        _watch = WatchPodsAsync(_stop.Token);
    }

    private async Task RegisterNodeAsync(CancellationToken cancellationToken)
    {
        var node = new V1Node
        {
            Metadata = new V1ObjectMeta
            {
                Name = ClusterConventions.NodeName,
                Labels = new Dictionary<string, string> { ["kubernetes.io/hostname"] = ClusterConventions.NodeName, ["kubernetes.io/os"] = "linux" },
            },
            Spec = new V1NodeSpec { PodCIDR = PodCidr, PodCIDRs = [PodCidr] },
        };
        try
        {
            node = await _kubernetes.CoreV1.CreateNodeAsync(node, cancellationToken: cancellationToken);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict)
        {
            node = await _kubernetes.CoreV1.ReadNodeAsync(ClusterConventions.NodeName, cancellationToken: cancellationToken);
        }
        var now = DateTime.UtcNow;
        node.Status = new V1NodeStatus
        {
            Addresses = [new V1NodeAddress { Address = "127.0.0.1", Type = "InternalIP" }, new V1NodeAddress { Address = ClusterConventions.NodeName, Type = "Hostname" }],
            DaemonEndpoints = new V1NodeDaemonEndpoints { KubeletEndpoint = new V1DaemonEndpoint { Port = Port } },
            Conditions = [new V1NodeCondition
            {
                Type = "Ready", Status = "True", Reason = "KubeletReady", Message = "kubelet is posting ready status",
                LastHeartbeatTime = now, LastTransitionTime = now,
            }],
            NodeInfo = new V1NodeSystemInfo
            {
                KubeletVersion = "v1.33.0-double", KubeProxyVersion = "v1.33.0-double", ContainerRuntimeVersion = "aerogrid-double://1.0",
                OperatingSystem = "linux", Architecture = "amd64", OsImage = "AeroGrid kubelet double", KernelVersion = Environment.OSVersion.Version.ToString(),
                BootID = Guid.NewGuid().ToString(), MachineID = "aerogrid-node-double", SystemUUID = Guid.NewGuid().ToString(),
            },
        };
        await _kubernetes.CoreV1.ReplaceNodeStatusAsync(node, ClusterConventions.NodeName, cancellationToken: cancellationToken);
    }

    /// <summary>Lists the pods, then watches from the list's resourceVersion; lists again when the watch ends or fails.</summary>
    private async Task WatchPodsAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                var list = await _kubernetes.CoreV1.ListPodForAllNamespacesAsync(cancellationToken: stop);
                var listed = list.Items.Select(Key).ToHashSet(StringComparer.Ordinal);
                lock (_pods)
                {
                    foreach (var gone in _pods.Keys.Where(key => !listed.Contains(key)).ToList())
                    {
                        Forget(gone, deletePod: false);
                    }
                }
                foreach (var pod in list.Items)
                {
                    Reconcile(pod);
                }
                using var failed = CancellationTokenSource.CreateLinkedTokenSource(stop);
                var events = _kubernetes.CoreV1.WatchListPodForAllNamespacesAsync(
                    resourceVersion: list.Metadata.ResourceVersion, onError: _ => failed.Cancel(), cancellationToken: failed.Token);
                await foreach (var (type, pod) in events.WithCancellation(failed.Token))
                {
                    if (type == WatchEventType.Deleted)
                    {
                        lock (_pods)
                        {
                            Forget(Key(pod), deletePod: false);
                        }
                    }
                    else if (type is WatchEventType.Added or WatchEventType.Modified)
                    {
                        Reconcile(pod);
                    }
                }
            }
            catch (Exception e) when (e is HttpOperationException or HttpRequestException or KubernetesException or OperationCanceledException or IOException)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200), CancellationToken.None);
            }
        }
    }

    private void Reconcile(V1Pod pod)
    {
        if (pod.Spec?.NodeName != ClusterConventions.NodeName)
        {
            return;
        }
        var key = Key(pod);
        lock (_pods)
        {
            if (_pods.TryGetValue(key, out var known) && known.Pod.Uid() != pod.Uid())
            {
                Forget(key, deletePod: false);
                known = null;
            }
            if (pod.Metadata.DeletionTimestamp is not null)
            {
                if (known is not null)
                {
                    Forget(key, deletePod: true);
                }
                return;
            }
            if (known is null && !_stop.IsCancellationRequested)
            {
                var grace = TimeSpan.FromSeconds(pod.Spec.TerminationGracePeriodSeconds ?? 30);
                var sandbox = new PodSandbox(pod, Path.Combine(_directory, "pods", pod.Uid()), _addresses.Allocate(),
                    grace < _runtime.Options.MaxTerminationGracePeriod ? grace : _runtime.Options.MaxTerminationGracePeriod);
                var worker = new PodWorker(_kubernetes, sandbox, _runtime);
                _pods[key] = worker;
                worker.Start();
            }
        }
    }

    /// <summary>
    /// Stops a pod's containers in the background and frees its address; with <paramref name="deletePod"/> (it has a
    /// deletionTimestamp) then deletes it for good, as the kubelet does once its containers have stopped.
    /// </summary>
    private void Forget(string key, bool deletePod)
    {
        if (!_pods.Remove(key, out var worker))
        {
            return;
        }
        _stopping.RemoveAll(task => task.IsCompleted);
        _stopping.Add(StopAsync(worker, deletePod));
    }

    private async Task StopAsync(PodWorker worker, bool deletePod)
    {
        await worker.StopAsync();
        _addresses.Free(worker.Sandbox.Address);
        if (deletePod)
        {
            try
            {
                await _kubernetes.CoreV1.DeleteNamespacedPodAsync(worker.Pod.Name(), worker.Pod.Namespace(),
                    new V1DeleteOptions { GracePeriodSeconds = 0, Preconditions = new V1Preconditions { Uid = worker.Pod.Uid() } });
            }
            catch (HttpOperationException e) when (e.Response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Conflict)
            {
                // Already gone, or a new pod of that name.
            }
        }
    }

    private async Task<IResult> ServeLogAsync(
        HttpContext http, string @namespace, string pod, string container, bool? follow, int? tailLines, bool? timestamps, bool? previous)
    {
        ContainerRun? run;
        lock (_pods)
        {
            run = _pods.GetValueOrDefault($"{@namespace}/{pod}")?.Container(container);
        }
        if (run is null)
        {
            return Results.NotFound($"pod {@namespace}/{pod} has no container {container} on this node");
        }
        if (run.Log(previous ?? false) is not { } log)
        {
            return Results.BadRequest(previous == true
                ? $"previous terminated container \"{container}\" in pod \"{pod}\" not found"
                : $"container \"{container}\" in pod \"{pod}\" is waiting to start");
        }
        http.Response.ContentType = "text/plain; charset=utf-8";
        try
        {
            await log.CopyToAsync(http.Response.Body, follow ?? false, tailLines, timestamps ?? false, http.RequestAborted);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return Results.NotFound($"pod {@namespace}/{pod} is gone from this node");
        }
        return Results.Empty;
    }

    private static string Key(V1Pod pod) => $"{pod.Namespace()}/{pod.Name()}";

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _watch;
        lock (_pods)
        {
            foreach (var key in _pods.Keys.ToList())
            {
                Forget(key, deletePod: false);
            }
        }
        await Task.WhenAll(_stopping);
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
        _certificate?.Dispose();
        _runtime.Prober.Dispose();
        _stop.Dispose();
    }
}
