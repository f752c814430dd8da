using System.Net;
using k8s.Models;

namespace AeroGrid.Tests.Infrastructure.Cluster;

/// <summary>
/// What a pod's containers share: a folder for its volumes and logs, its own IP, its grace period. A container sees the
/// pod's volumes at its <c>volumeMounts</c>: their paths are mapped into this folder.
/// </summary>
internal sealed record PodSandbox(V1Pod Pod, string Directory, IPAddress Address, TimeSpan GracePeriod)
{
    public string Volume(string name) => Path.Combine(Directory, "volumes", name);

    public string Logs(string container) => Path.Combine(Directory, "logs", container);

    /// <summary>
    /// The folder of this machine at <paramref name="path"/> of <paramref name="container"/>: under the longest mountPath
    /// that holds it, else unchanged (the image's own filesystem is not modelled).
    /// </summary>
    public string MapPath(V1Container container, string path)
    {
        foreach (var mount in (container.VolumeMounts ?? []).OrderByDescending(m => m.MountPath.Length))
        {
            var mountPath = mount.MountPath.TrimEnd('/');
            if (path == mountPath || path.StartsWith(mountPath + "/", StringComparison.Ordinal))
            {
                var volume = string.IsNullOrEmpty(mount.SubPath) ? Volume(mount.Name) : Path.Combine(Volume(mount.Name), mount.SubPath);
                return volume + path[mountPath.Length..];
            }
        }
        return path;
    }
}
