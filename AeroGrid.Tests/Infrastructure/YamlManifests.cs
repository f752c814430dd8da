using System.Text.Json.Nodes;
using AeroGrid.ControlPlane.Api.Patching;

namespace AeroGrid.Tests.Infrastructure;

/// <summary>
/// Rendered manifests read back as kubectl reads them, strictly: a plain scalar that some YAML reader takes for a number
/// or timestamp but JSON does not fails the test, so a writer that leaves such a string unquoted is caught.
/// </summary>
internal static class YamlManifests
{
    public static IReadOnlyList<JsonObject> Parse(string yaml) => [.. YamlJson.Read(yaml, strict: true).Select(document => document!.AsObject())];
}
