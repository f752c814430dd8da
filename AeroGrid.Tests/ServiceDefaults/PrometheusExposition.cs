using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace AeroGrid.Tests.ServiceDefaults;

/// <summary>
/// A strict reader of the Prometheus text exposition format 0.0.4, written from the format's description
/// to check what <c>/metrics</c> serves: every line must parse, and the families must be well formed.
/// </summary>
internal static partial class PrometheusExposition
{
    private static readonly HashSet<string> Types = ["counter", "gauge", "histogram", "summary", "untyped"];

    [GeneratedRegex("""^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(?<labels>[^\n]*)\})? (?<value>\S+)(?: -?\d+)?$""")]
    private static partial Regex SampleLine();

    [GeneratedRegex("""\G(?<name>[a-zA-Z_][a-zA-Z0-9_]*)="(?<value>(?:[^"\\\n]|\\[\\"n])*)"(?:,|$)""")]
    private static partial Regex Label();

    [GeneratedRegex("""^# (?<kind>HELP|TYPE) (?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(?: (?<text>.*))?$""")]
    private static partial Regex Descriptor();

    [GeneratedRegex("""^(?:[^\\]|\\[\\n])*$""")]
    private static partial Regex HelpText();

    /// <summary>Parses a whole scrape; fails the test on the first line or family that breaks the format.</summary>
    public static IReadOnlyList<PrometheusSample> Parse(string text)
    {
        Assert.EndsWith("\n", text, StringComparison.Ordinal);
        var samples = new List<PrometheusSample>();
        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        var finishedFamilies = new HashSet<string>(StringComparer.Ordinal);
        var series = new HashSet<string>(StringComparer.Ordinal);
        string? family = null;

        void Enter(string name, int lineNumber)
        {
            if (name == family)
            {
                return;
            }
            Assert.True(finishedFamilies.Add(name), $"line {lineNumber}: family {name} appears in more than one block");
            family = name;
        }

        foreach (var (line, index) in text[..^1].Split('\n').Select((line, index) => (line, index + 1)))
        {
            var isDescriptor = line.StartsWith("# HELP ", StringComparison.Ordinal) || line.StartsWith("# TYPE ", StringComparison.Ordinal);
            if (line.Length == 0 || (line.StartsWith('#') && !isDescriptor))
            {
                continue;
            }
            if (isDescriptor)
            {
                var descriptor = Descriptor().Match(line);
                Assert.True(descriptor.Success, $"line {index}: malformed descriptor: {line}");
                var name = descriptor.Groups["name"].Value;
                var kind = descriptor.Groups["kind"].Value;
                Enter(name, index);
                if (kind == "TYPE")
                {
                    Assert.Contains(descriptor.Groups["text"].Value, Types);
                    Assert.True(types.TryAdd(name, descriptor.Groups["text"].Value), $"line {index}: second TYPE for {name}");
                    Assert.DoesNotContain(samples, s => FamilyOf(s.Name, types) == name);
                }
                else
                {
                    Assert.True(HelpText().IsMatch(descriptor.Groups["text"].Value), $"line {index}: bad escape in HELP: {line}");
                }
                continue;
            }

            var match = SampleLine().Match(line);
            Assert.True(match.Success, $"line {index}: not a sample: {line}");
            var sampleName = match.Groups["name"].Value;
            Enter(FamilyOf(sampleName, types), index);
            var labels = ParseLabels(match.Groups["labels"].Value, index);
            Assert.True(series.Add(sampleName + "{" + string.Join(",", labels.OrderBy(l => l.Key).Select(l => $"{l.Key}={l.Value}")) + "}"),
                $"line {index}: duplicate series: {line}");
            samples.Add(new PrometheusSample(sampleName, labels, ParseValue(match.Groups["value"].Value, index)));
        }
        return samples;
    }

    /// <summary>The family a sample belongs to: histogram samples carry a <c>_bucket</c>, <c>_sum</c> or <c>_count</c> suffix.</summary>
    private static string FamilyOf(string sampleName, Dictionary<string, string> types)
    {
        foreach (var suffix in (string[])["_bucket", "_sum", "_count"])
        {
            if (sampleName.EndsWith(suffix, StringComparison.Ordinal)
                && types.GetValueOrDefault(sampleName[..^suffix.Length]) is "histogram")
            {
                return sampleName[..^suffix.Length];
            }
        }
        return sampleName;
    }

    private static Dictionary<string, string> ParseLabels(string text, int lineNumber)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        var position = 0;
        while (position < text.Length)
        {
            var label = Label().Match(text, position);
            Assert.True(label.Success, $"line {lineNumber}: malformed label at '{text[position..]}'");
            Assert.True(labels.TryAdd(label.Groups["name"].Value, Unescape(label.Groups["value"].Value)),
                $"line {lineNumber}: label {label.Groups["name"].Value} repeated");
            position += label.Length;
        }
        return labels;
    }

    private static string Unescape(string value)
    {
        var text = new StringBuilder(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            text.Append(value[i] != '\\' ? value[i] : value[++i] switch { 'n' => '\n', var c => c });
        }
        return text.ToString();
    }

    private static double ParseValue(string text, int lineNumber) => text switch
    {
        "+Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        "NaN" => double.NaN,
        _ => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new Xunit.Sdk.XunitException($"line {lineNumber}: value '{text}' is not a number"),
    };
}
