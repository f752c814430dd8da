using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;

namespace AeroGrid.Tests.Infrastructure;

/// <summary>
/// A folder of wheels made by the test (PyPI is unreachable here): a wheel is a zip with the package,
/// METADATA, WHEEL and a RECORD of sha256 digests, which pip installs with <c>--no-index --find-links</c>.
/// </summary>
internal static class Wheelhouse
{
    public static void AddWheel(string directory, string name, string version, string moduleSource)
    {
        Directory.CreateDirectory(directory);
        var distInfo = $"{name}-{version}.dist-info";
        var files = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [$"{name}/__init__.py"] = moduleSource,
            [$"{distInfo}/METADATA"] = $"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n",
            [$"{distInfo}/WHEEL"] = "Wheel-Version: 1.0\nGenerator: aerogrid-tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
        };
        var record = new StringBuilder();
        foreach (var (path, content) in files)
        {
            var bytes = Encoding.UTF8.GetBytes(content);
            var digest = Convert.ToBase64String(SHA256.HashData(bytes)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
            record.Append(System.Globalization.CultureInfo.InvariantCulture, $"{path},sha256={digest},{bytes.Length}\n");
        }
        record.Append(System.Globalization.CultureInfo.InvariantCulture, $"{distInfo}/RECORD,,\n");
        files[$"{distInfo}/RECORD"] = record.ToString();

        using var zip = ZipFile.Open(Path.Combine(directory, $"{name}-{version}-py3-none-any.whl"), ZipArchiveMode.Create);
        foreach (var (path, content) in files)
        {
            using var writer = new StreamWriter(zip.CreateEntry(path).Open());
            writer.Write(content);
        }
    }
}
