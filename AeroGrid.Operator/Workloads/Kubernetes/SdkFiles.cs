using AeroGrid.Api.Resources;

namespace AeroGrid.Operator.Workloads.Kubernetes;

/// <summary>The <c>aerogrid</c> SDK package (python/aerogrid) as files of a build context, e.g. <c>aerogrid/__init__.py</c>.</summary>
/// <remarks>
/// Embedded in the Operator assembly at build time rather than read from a folder at start: the Operator's container
/// has no python/ folder to read, and an image then always gets the SDK this Operator was built and tested with.
/// The package is standard library only and has no installer, so the files are the whole of it.
/// </remarks>
internal static class SdkFiles
{
    private const string ResourcePrefix = "sdk/";

    public static IReadOnlyList<AppFile> Files { get; } = Load();

    private static AppFile[] Load()
    {
        var assembly = typeof(SdkFiles).Assembly;
        return
        [
            .. assembly.GetManifestResourceNames()
                .Where(name => name.StartsWith(ResourcePrefix, StringComparison.Ordinal))
                .Order(StringComparer.Ordinal)
                .Select(name =>
                {
                    using var reader = new StreamReader(assembly.GetManifestResourceStream(name)!);
                    return new AppFile { Path = name[ResourcePrefix.Length..], Content = reader.ReadToEnd() };
                }),
        ];
    }
}
