using System.Security.Cryptography;
using System.Text;

namespace AeroGrid.Api.Resources;

/// <summary>
/// Content addressing of dependency environments: the same runtime and requirements give the same hash,
/// so identical dependency sets share one image across apps and tenants.
/// </summary>
public static class ImageHash
{
    /// <summary>Hex digits kept: 80 bits, ample for one platform's distinct dependency sets.</summary>
    private const int Length = 20;

    public static string Of(string runtime, string requirements)
    {
        var canonical = runtime + "\n" + string.Join('\n', CanonicalLines(requirements));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)))[..Length];
    }

    public static string Of(AppSpec spec) => Of(spec.Runtime, Requirements(spec));

    public static string Of(ImageSpec spec) => Of(spec.Runtime, spec.Requirements);

    /// <summary>The name of the Image object for a hash: <c>env-&lt;hash&gt;</c>.</summary>
    public static string ImageName(string hash) => "env-" + hash;

    /// <summary>The app's requirements.txt, or empty when it has none.</summary>
    public static string Requirements(AppSpec spec) =>
        spec.Files.FirstOrDefault(f => f.Path == AppDefaults.Requirements)?.Content ?? "";

    // Comments (as pip reads them: '#' at the start or after a space), blank lines and surrounding
    // spaces do not change what pip installs.
    private static IEnumerable<string> CanonicalLines(string requirements) =>
        requirements.Split('\n')
            .Select(line => line.TrimStart().StartsWith('#') ? "" : line)
            .Select(line => (line.IndexOf(" #", StringComparison.Ordinal) is var at and >= 0 ? line[..at] : line).Trim())
            .Where(line => line.Length > 0);
}
