using System.Collections.Frozen;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace AeroGrid.AppHost.Publish;

/// <summary>Renders manifests as one multi-document YAML stream, the form <c>kubectl apply -f</c> reads.</summary>
/// <remarks>
/// The YAML must mean exactly the JSON it came from. Numbers and booleans are written plain, so they stay numbers
/// and booleans; a string that a YAML reader would take for something else (<c>"true"</c>, <c>"1"</c>,
/// <c>"yes"</c>, <c>""</c>) is quoted. kubectl reads YAML with YAML 1.1 rules (go-yaml v2 behind
/// sigs.k8s.io/yaml), where <c>yes</c>, <c>on</c> and <c>y</c> are booleans too, so those are quoted as well.
/// </remarks>
internal static partial class ManifestWriter
{
    // Plain words that YAML 1.1 or 1.2 resolves to null or a boolean, in any capitalization.
    private static readonly FrozenSet<string> NullAndBooleanWords = new[] { "", "~", "null", "true", "false", "yes", "no", "on", "off", "y", "n" }
        .ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    // Emitter settings: no line folding (a long description stays one line, so generated manifests diff cleanly).
    private static readonly EmitterSettings Settings = EmitterSettings.Default.WithBestWidth(int.MaxValue).WithNewLine("\n");

    /// <summary>The documents, in order, separated by <c>---</c>.</summary>
    public static string Write(IEnumerable<JsonObject> documents)
    {
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        var emitter = new Emitter(text, Settings);
        emitter.Emit(new StreamStart());
        foreach (var document in documents)
        {
            emitter.Emit(new DocumentStart());
            Emit(emitter, document);
            emitter.Emit(new DocumentEnd(isImplicit: true));
        }
        emitter.Emit(new StreamEnd());
        return text.ToString();
    }

    private static void Emit(IEmitter emitter, JsonNode? node)
    {
        switch (node)
        {
            case JsonObject mapping:
                emitter.Emit(new MappingStart(AnchorName.Empty, TagName.Empty, isImplicit: true, MappingStyle.Block));
                foreach (var (key, value) in mapping)
                {
                    emitter.Emit(StringScalar(key));
                    Emit(emitter, value);
                }
                emitter.Emit(new MappingEnd());
                break;
            case JsonArray sequence:
                emitter.Emit(new SequenceStart(AnchorName.Empty, TagName.Empty, isImplicit: true, SequenceStyle.Block));
                foreach (var item in sequence)
                {
                    Emit(emitter, item);
                }
                emitter.Emit(new SequenceEnd());
                break;
            case null:
                emitter.Emit(PlainScalar("null"));
                break;
            default:
                emitter.Emit(node.GetValueKind() switch
                {
                    JsonValueKind.String => StringScalar(node.GetValue<string>()),
                    JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False or JsonValueKind.Null => PlainScalar(node.ToJsonString()),
                    var kind => throw new NotSupportedException($"A JSON value of kind {kind} cannot be written as a YAML scalar."),
                });
                break;
        }
    }

    /// <summary>A scalar written as-is: JSON's number and literal syntax is valid YAML with the same meaning.</summary>
    private static Scalar PlainScalar(string value) => new(AnchorName.Empty, TagName.Empty, value, ScalarStyle.Plain, isPlainImplicit: true, isQuotedImplicit: true);

    /// <summary>
    /// A string in the most readable style that keeps it a string: a literal block for multi-line text (a file's
    /// content), double quotes where a plain scalar would be read as another type, else the emitter's choice (plain,
    /// or single quotes where YAML syntax needs them, e.g. <c>'a: b'</c>).
    /// </summary>
    private static Scalar StringScalar(string value)
    {
        var style = value switch
        {
            // A block scalar turns \r\n into \n when read back; double quotes keep a carriage return as \r.
            _ when value.Contains('\r', StringComparison.Ordinal) => ScalarStyle.DoubleQuoted,
            _ when value.Contains('\n', StringComparison.Ordinal) => ScalarStyle.Literal,
            _ when NullAndBooleanWords.Contains(value) || NumberLike().IsMatch(value) => ScalarStyle.DoubleQuoted,
            _ => ScalarStyle.Any,
        };
        return new(AnchorName.Empty, TagName.Empty, value, style, isPlainImplicit: true, isQuotedImplicit: true);
    }

    /// <summary>
    /// Anything a YAML 1.1 or 1.2 reader may take for a number or a timestamp starts like this: a digit, perhaps
    /// after a sign or a dot (<c>1</c>, <c>-.5</c>, <c>0x1F</c>, <c>1_000</c>, <c>12:30</c>, <c>2025-06-01</c>), or is
    /// an infinity or not-a-number (<c>.inf</c>, <c>-.Inf</c>, <c>.NaN</c>).
    /// </summary>
    [GeneratedRegex(@"^[-+]?(\.?[0-9]|\.(inf|nan)$)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex NumberLike();
}
