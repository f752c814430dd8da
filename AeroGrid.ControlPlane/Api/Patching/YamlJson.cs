using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace AeroGrid.ControlPlane.Api.Patching;

/// <summary>
/// YAML read into JSON as sigs.k8s.io/yaml (kube-apiserver, kubectl) reads it: YAML 1.1's null and boolean words in the
/// capitalizations it takes (<c>yes</c>, <c>Off</c>), numbers only in JSON's syntax, any other plain scalar a string,
/// and a quoted scalar always a string.
/// </summary>
/// <remarks>
/// YamlDotNet parses; the typing of scalars is ours, because its serializer types them by YAML 1.2 rules, which
/// kube-apiserver does not follow.
/// </remarks>
internal static partial class YamlJson
{
    private static readonly HashSet<string> NullWords = ["", "~", "null", "Null", "NULL"];
    private static readonly HashSet<string> TrueWords = ["true", "True", "TRUE", "y", "Y", "yes", "Yes", "YES", "on", "On", "ON"];
    private static readonly HashSet<string> FalseWords = ["false", "False", "FALSE", "n", "N", "no", "No", "NO", "off", "Off", "OFF"];

    /// <summary>Every document of a YAML stream.</summary>
    /// <param name="strict">
    /// Also refuse a plain scalar that some YAML reader takes for a number or timestamp but JSON does not (<c>0x1F</c>,
    /// <c>1_000</c>, <c>2025-06-01</c>, <c>.inf</c>): for checking YAML that we write, which must mean the same to all.
    /// </param>
    /// <exception cref="YamlException">The text is not YAML, or (strict) holds such a scalar, or a node with no JSON form.</exception>
    public static IReadOnlyList<JsonNode?> Read(string yaml, bool strict = false)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return [.. stream.Documents.Select(document => ToJson(document.RootNode, strict))];
    }

    private static JsonNode? ToJson(YamlNode node, bool strict) => node switch
    {
        YamlMappingNode mapping => new JsonObject(mapping.Children.Select(entry =>
            KeyValuePair.Create(((YamlScalarNode)entry.Key).Value ?? "", ToJson(entry.Value, strict)))),
        YamlSequenceNode sequence => new JsonArray([.. sequence.Children.Select(child => ToJson(child, strict))]),
        YamlScalarNode scalar => Scalar(scalar, strict),
        _ => throw new YamlException(node.Start, node.End, $"{node.NodeType} has no JSON form"),
    };

    private static JsonValue? Scalar(YamlScalarNode scalar, bool strict)
    {
        var text = scalar.Value ?? "";
        if (scalar.Style is not (ScalarStyle.Plain or ScalarStyle.Any))
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
        if (strict && NumberInSomeYaml().IsMatch(text))
        {
            throw new YamlException(scalar.Start, scalar.End, $"plain scalar '{text}' is a number or timestamp to some YAML readers; quote it");
        }
        return JsonValue.Create(text);
    }

    [GeneratedRegex(@"^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?$")]
    private static partial Regex JsonNumber();

    [GeneratedRegex(@"^[-+]?(\.?[0-9]|\.(inf|nan)$)", RegexOptions.IgnoreCase)]
    private static partial Regex NumberInSomeYaml();
}
