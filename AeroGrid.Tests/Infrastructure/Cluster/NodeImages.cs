namespace AeroGrid.Tests.Infrastructure.Cluster;

/// <summary>
/// The node's image store as the kubelet double sees it: one folder per image reference, holding what the image adds to
/// Python (a <c>pip install --target</c> folder, put on <c>PYTHONPATH</c>).
/// </summary>
internal sealed class NodeImages(string directory)
{
    /// <summary>The image's folder, or null when the node does not have it (the pull fails).</summary>
    public string? Find(string reference) => Directory.Exists(PathOf(reference)) ? PathOf(reference) : null;

    /// <summary>Stores a copy of <paramref name="source"/> as the image <paramref name="reference"/>, replacing an older one.</summary>
    public void Add(string reference, string source)
    {
        var staging = Staging();
        CopyDirectory(source, staging);
        Commit(reference, staging);
    }

    /// <summary>An empty folder to build an image in, then <see cref="Commit"/>: a half-built image is never pulled.</summary>
    public string Staging()
    {
        var staging = Path.Combine(directory, ".staging", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(staging);
        return staging;
    }

    public void Commit(string reference, string staging)
    {
        var target = PathOf(reference);
        if (Directory.Exists(target))
        {
            Directory.Delete(target, recursive: true);
        }
        Directory.Move(staging, target);
    }

    public static void CopyDirectory(string source, string target)
    {
        Directory.CreateDirectory(target);
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var copy = Path.Combine(target, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
            File.Copy(file, copy, overwrite: true);
        }
    }

    private string PathOf(string reference) => Path.Combine(directory, Uri.EscapeDataString(reference));
}
