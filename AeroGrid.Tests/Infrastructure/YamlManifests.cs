using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace AeroGrid.Tests.Infrastructure;

/// <summary>
/// Reads a multi-document YAML stream into JSON the way kubectl would, keeping types: plain <c>2</c> is a number,
/// plain <c>true</c> a boolean, quoted <c>"true"</c> a string.
/// </summary>
/// <remarks>
/// Stricter than kubectl on purpose: any capitalization of the YAML 1.1 null and boolean words counts as one, and a
/// plain scalar that some YAML version reads as a number but JSON does not (<c>0x1F</c>, <c>1_000</c>,
/// <c>2025-06-01</c>, <c>.inf</c>) is an error, so a writer that leaves such a string unquoted fails the test.
/// </remarks>
internal static partial class YamlManifests
{
    private static readonly HashSet<string> NullWords = new(["", "~", "null"], StringComparer.OrdinalIgnoreCase);
    private static readonly HashSet<string> TrueWords = new(["true", "yes", "on", "y"], StringComparer.OrdinalIgnoreCase);
    private static readonly HashSet<string> FalseWords = new(["false", "no", "off", "n"], StringComparer.OrdinalIgnoreCase);

    public static IReadOnlyList<JsonObject> Parse(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return [.. stream.Documents.Select(document => ToJson(document.RootNode)!.AsObject())];
    }

    private static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode mapping => new JsonObject(mapping.Children.Select(entry =>
            KeyValuePair.Create(((YamlScalarNode)entry.Key).Value!, ToJson(entry.Value)))),
        YamlSequenceNode sequence => new JsonArray([.. sequence.Children.Select(ToJson)]),
        YamlScalarNode scalar => Scalar(scalar),
        _ => throw new NotSupportedException($"{node.NodeType} at {node.Start} has no JSON form"),
    };

    private static JsonValue? Scalar(YamlScalarNode scalar)
    {
        var text = scalar.Value ?? "";
        if (scalar.Style != YamlDotNet.Core.ScalarStyle.Plain)
        {
            return JsonValue.Create(text);
        }
        if (NullWords.Contains(text))
        {
            return null;
        }
        if (TrueWords.Contains(text) || FalseWords.Contains(text))
        {
            return JsonValue.Create(TrueWords.Contains(text));
        }
        if (JsonNumber().IsMatch(text))
        {
            return long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer)
                ? JsonValue.Create(integer)
                : JsonValue.Create(double.Parse(text, CultureInfo.InvariantCulture));
        }
        if (NumberInSomeYaml().IsMatch(text))
        {
            throw new FormatException($"plain scalar '{text}' at {scalar.Start} is a number or timestamp to some YAML readers; quote it");
        }
        return JsonValue.Create(text);
    }

    [GeneratedRegex(@"^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?$")]
    private static partial Regex JsonNumber();

    [GeneratedRegex(@"^[-+]?(\.?[0-9]|\.(inf|nan)$)", RegexOptions.IgnoreCase)]
    private static partial Regex NumberInSomeYaml();
}
