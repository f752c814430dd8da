using System.Text;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace AeroGrid.Tests.Infrastructure.Cluster;

/// <summary>
/// One pod on the kubelet double: its volumes, its containers, and its status, written through <c>pods/status</c> after
/// every change.
/// </summary>
/// <remarks>
/// Volumes: configMap, secret (with <c>items</c> or all keys) and emptyDir; any other kind is an empty folder. Init
/// containers, readiness gates, projected and downward-API volumes are left out.
/// </remarks>
internal sealed class PodWorker
{
    private readonly IKubernetes _kubernetes;
    private readonly PodSandbox _sandbox;
    private readonly List<ContainerRun> _containers;
    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _dirty = new(0, 1);
    private readonly Dictionary<string, (string Status, DateTime Since)> _conditions = new(StringComparer.Ordinal);
    private readonly DateTime _startTime = DateTime.UtcNow;
    private Task _run = Task.CompletedTask;
    private Task _statusWriter = Task.CompletedTask;

    public PodWorker(IKubernetes kubernetes, PodSandbox sandbox, ContainerRuntime runtime)
    {
        _kubernetes = kubernetes;
        _sandbox = sandbox;
        _containers = [.. sandbox.Pod.Spec.Containers.Select(spec => new ContainerRun(spec, sandbox, runtime, Changed))];
    }

    public PodSandbox Sandbox => _sandbox;

    public V1Pod Pod => _sandbox.Pod;

    public ContainerRun? Container(string name) => _containers.Find(c => c.Name == name);

    public void Start()
    {
        _statusWriter = WriteStatusAsync(_stop.Token);
        _run = RunAsync(_stop.Token);
        Changed();
    }

    /// <summary>Stops the containers (SIGTERM, then SIGKILL after the grace period) and removes the pod's folder.</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await _run;
        await _statusWriter;
        _stop.Dispose();
        Directory.Delete(_sandbox.Directory, recursive: true);
    }

    private async Task RunAsync(CancellationToken stop)
    {
        foreach (var container in _containers)
        {
            Directory.CreateDirectory(_sandbox.Logs(container.Name));
        }
        while (!await MaterializeVolumesAsync(stop))
        {
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(1), stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
        await Task.WhenAll(_containers.Select(container => Task.Run(() => container.RunAsync(stop), CancellationToken.None)));
    }

    /// <summary>Writes the pod's volumes into its folder; false while a ConfigMap or Secret it needs is missing (the kubelet waits for it).</summary>
    private async Task<bool> MaterializeVolumesAsync(CancellationToken stop)
    {
        try
        {
            foreach (var volume in Pod.Spec.Volumes ?? [])
            {
                var directory = _sandbox.Volume(volume.Name);
                Directory.CreateDirectory(directory);
                IReadOnlyDictionary<string, byte[]> data;
                IList<V1KeyToPath>? items;
                if (volume.ConfigMap is { } configMap)
                {
                    var read = await _kubernetes.CoreV1.ReadNamespacedConfigMapAsync(configMap.Name, Pod.Namespace(), cancellationToken: stop);
                    data = (read.Data ?? new Dictionary<string, string>()).ToDictionary(p => p.Key, p => Encoding.UTF8.GetBytes(p.Value), StringComparer.Ordinal);
                    items = configMap.Items;
                }
                else if (volume.Secret is { } secret)
                {
                    var read = await _kubernetes.CoreV1.ReadNamespacedSecretAsync(secret.SecretName, Pod.Namespace(), cancellationToken: stop);
                    data = (read.Data ?? new Dictionary<string, byte[]>()).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
                    items = secret.Items;
                }
                else
                {
                    continue;
                }
                foreach (var (key, path) in items?.Select(item => (item.Key, item.Path)) ?? data.Keys.Select(key => (key, key)))
                {
                    var file = Path.Combine(directory, path);
                    Directory.CreateDirectory(Path.GetDirectoryName(file)!);
                    await File.WriteAllBytesAsync(file, data[key], stop);
                }
            }
            return true;
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return false;
        }
        catch (OperationCanceledException)
        {
            return true;
        }
    }

    private void Changed()
    {
        try
        {
            _dirty.Release();
        }
        catch (SemaphoreFullException)
        {
            // A write is already due; it reads the latest state.
        }
    }

    private async Task WriteStatusAsync(CancellationToken stop)
    {
        try
        {
            while (true)
            {
                await _dirty.WaitAsync(stop);
                var patch = new V1Patch(KubernetesJson.Serialize(new { status = Status() }), V1Patch.PatchType.MergePatch);
                try
                {
                    await _kubernetes.CoreV1.PatchNamespacedPodStatusAsync(patch, Pod.Name(), Pod.Namespace(), cancellationToken: stop);
                }
                catch (HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The pod goes.
        }
    }

    private V1PodStatus Status()
    {
        var containers = _containers.Select(c => c.Status()).ToList();
        var ready = containers.TrueForAll(c => c.Ready);
        var done = containers.TrueForAll(c => c.State.Terminated is not null);
        var phase = !_containers.TrueForAll(c => c.HasStarted) ? "Pending"
            : !done ? "Running"
            : containers.TrueForAll(c => c.State.Terminated.ExitCode == 0) ? "Succeeded" : "Failed";
        var address = _sandbox.Address.ToString();
        return new V1PodStatus
        {
            Phase = phase,
            HostIP = "127.0.0.1",
            HostIPs = [new V1HostIP { Ip = "127.0.0.1" }],
            PodIP = address,
            PodIPs = [new V1PodIP { Ip = address }],
            StartTime = _startTime,
            ContainerStatuses = containers,
            Conditions =
            [
                Condition("PodScheduled", true),
                Condition("PodReadyToStartContainers", true),
                Condition("Initialized", true),
                Condition("ContainersReady", ready),
                Condition("Ready", ready),
            ],
        };
    }

    /// <summary>A condition whose lastTransitionTime is when its status last changed.</summary>
    private V1PodCondition Condition(string type, bool status)
    {
        var value = status ? "True" : "False";
        lock (_conditions)
        {
            if (!_conditions.TryGetValue(type, out var known) || known.Status != value)
            {
                _conditions[type] = known = (value, DateTime.UtcNow);
            }
            return new V1PodCondition { Type = type, Status = value, LastTransitionTime = known.Since };
        }
    }
}
