using System.Collections.Concurrent;
using AeroGrid.Api.Client;
using k8s;

namespace AeroGrid.Tests.Infrastructure.Cluster;

/// <summary>
/// A control plane with the kubelet double's node: the kubelet's CA exists before the control plane starts, so that
/// <c>ControlPlane:KubeletCertificateAuthority</c> can name it, and the kubelet starts once the API answers.
/// </summary>
public sealed class KubeletFixture : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("aerogrid-node-").FullName;
    private KubeletCertificateAuthority? _authority;
    private ApiClient? _api;
    private KubeletDouble? _kubelet;

    public ControlPlaneFixture ControlPlane { get; } = new();

    /// <summary>Where the Kaniko double's pip looks for wheels: tests add them with <see cref="Infrastructure.Wheelhouse"/>.</summary>
    internal string Wheelhouse => Path.Combine(_directory, "wheelhouse");

    /// <summary>The images the Kaniko double pushed, in order, as a registry would learn of them.</summary>
    internal ConcurrentQueue<string> Pushed { get; } = new();

    internal KubeletDouble Kubelet => _kubelet ?? throw new InvalidOperationException("not started");

    internal IKubernetes Kubernetes => _api?.Kubernetes ?? throw new InvalidOperationException("not started");

    public async ValueTask InitializeAsync()
    {
        _authority = KubeletCertificateAuthority.Create(Path.Combine(_directory, "pki"));
        ControlPlane.Settings["ControlPlane:KubeletCertificateAuthority"] = _authority.Path;
        await ControlPlane.InitializeAsync();
        _api = await ControlPlane.AdminApiAsync();
        Directory.CreateDirectory(Wheelhouse);
        _kubelet = new KubeletDouble(_api.Kubernetes, _authority, Path.Combine(_directory, "node"), Wheelhouse, push: reference =>
        {
            Pushed.Enqueue(reference);
            return Task.CompletedTask;
        });
        await _kubelet.StartAsync(CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        if (_kubelet is not null)
        {
            await _kubelet.DisposeAsync();
        }
        _api?.Dispose();
        await ControlPlane.DisposeAsync();
        _authority?.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
