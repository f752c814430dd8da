using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using NJsonSchema;

namespace AeroGrid.Tests.Infrastructure;

/// <summary>
/// Offline manifest validation, as kubeconform does it: each manifest against the strict JSON Schema of its
/// apiVersion and kind vendored in <c>vendor/schemas</c> (see its README).
/// </summary>
internal static class ManifestSchemas
{
    private static readonly Lazy<Dictionary<(string ApiVersion, string Kind), string>> Index = new(LoadIndex);

    // Loading a large schema takes up to a second; every test shares one load per file.
    private static readonly ConcurrentDictionary<string, Lazy<Task<JsonSchema>>> Schemas = new();

    /// <summary>
    /// The problems with <paramref name="manifest"/>, one line each (path and kind); empty when it is valid. A kind
    /// without a schema is a problem too, as with kubeconform without <c>-ignore-missing-schemas</c>.
    /// </summary>
    public static async Task<IReadOnlyList<string>> ProblemsAsync(JsonObject manifest)
    {
        var (apiVersion, kind) = ((string?)manifest["apiVersion"] ?? "", (string?)manifest["kind"] ?? "");
        if (!Index.Value.TryGetValue((apiVersion, kind), out var file))
        {
            return [$"no schema for apiVersion {apiVersion} kind {kind}"];
        }
        var schema = await Schemas.GetOrAdd(file, f => new(() => JsonSchema.FromFileAsync(Path.Combine(RepoPaths.Schemas, f)))).Value;
        return SchemaErrors.Lines(schema.Validate(manifest.ToJsonString()));
    }

    private static Dictionary<(string ApiVersion, string Kind), string> LoadIndex()
    {
        using var index = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Schemas, "index.json")));
        return index.RootElement.GetProperty("schemas").EnumerateArray().ToDictionary(
            entry => (entry.GetProperty("apiVersion").GetString()!, entry.GetProperty("kind").GetString()!),
            entry => entry.GetProperty("file").GetString()!);
    }
}
