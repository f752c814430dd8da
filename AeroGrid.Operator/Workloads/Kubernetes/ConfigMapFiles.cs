using AeroGrid.Api.Resources;
using k8s.Models;

namespace AeroGrid.Operator.Workloads.Kubernetes;

/// <summary>
/// Files in a ConfigMap: one key per file, and the volume items that put each key back at its path. A key allows only
/// <c>[-._a-zA-Z0-9]</c>, so the path's <c>/</c> becomes <c>__</c>; the items, not the key, say where a file goes.
/// </summary>
internal static class ConfigMapFiles
{
    public static string Key(string path) => path.Replace("/", "__", StringComparison.Ordinal);

    public static Dictionary<string, string> Data(IEnumerable<AppFile> files) =>
        files.ToDictionary(file => Key(file.Path), file => file.Content, StringComparer.Ordinal);

    public static List<V1KeyToPath> Items(IEnumerable<AppFile> files) =>
        [.. files.Select(file => new V1KeyToPath { Key = Key(file.Path), Path = file.Path })];
}
