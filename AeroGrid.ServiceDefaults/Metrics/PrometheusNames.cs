using System.Collections.Frozen;
using System.Text;
using System.Text.RegularExpressions;
using OpenTelemetry.Metrics;

namespace AeroGrid.ServiceDefaults.Metrics;

/// <summary>
/// OpenTelemetry instrument and attribute names as Prometheus names, following the OpenTelemetry
/// specification's Prometheus compatibility rules: dots become underscores, the unit becomes a suffix
/// (<c>s</c> gives <c>_seconds</c>), monotonic sums end in <c>_total</c>.
/// </summary>
internal static partial class PrometheusNames
{
    private static readonly FrozenDictionary<string, string> UnitWords = new Dictionary<string, string>
    {
        ["d"] = "days", ["h"] = "hours", ["min"] = "minutes", ["s"] = "seconds",
        ["ms"] = "milliseconds", ["us"] = "microseconds", ["ns"] = "nanoseconds",
        ["By"] = "bytes", ["KiBy"] = "kibibytes", ["MiBy"] = "mebibytes", ["GiBy"] = "gibibytes", ["TiBy"] = "tebibytes",
        ["KBy"] = "kilobytes", ["MBy"] = "megabytes", ["GBy"] = "gigabytes", ["TBy"] = "terabytes",
        ["m"] = "meters", ["V"] = "volts", ["A"] = "amperes", ["J"] = "joules", ["W"] = "watts",
        ["g"] = "grams", ["Cel"] = "celsius", ["Hz"] = "hertz", ["%"] = "percent",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    // The denominator of a rate is singular: By/s is bytes_per_second.
    private static readonly FrozenDictionary<string, string> PerUnitWords = new Dictionary<string, string>
    {
        ["s"] = "second", ["min"] = "minute", ["h"] = "hour", ["d"] = "day",
        ["w"] = "week", ["mo"] = "month", ["y"] = "year",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>The metric family name, e.g. <c>http.server.request.duration</c> in <c>s</c> is <c>http_server_request_duration_seconds</c>.</summary>
    public static string MetricFamily(Metric metric)
    {
        var isGauge = metric.MetricType is MetricType.LongGauge or MetricType.DoubleGauge;
        var isCounter = metric.MetricType is MetricType.LongSum or MetricType.DoubleSum;
        var name = Sanitize(metric.Name);
        if (UnitSuffix(metric.Unit, isGauge).Trim('_') is { Length: > 0 } unit && !name.EndsWith("_" + unit, StringComparison.Ordinal))
        {
            name += "_" + unit;
        }
        return isCounter && !name.EndsWith("_total", StringComparison.Ordinal) ? name + "_total" : name;
    }

    /// <summary>A label name: <c>http.request.method</c> is <c>http_request_method</c>.</summary>
    public static string Label(string key) => Sanitize(key);

    private static string UnitSuffix(string? unit, bool isGauge)
    {
        // Curly-brace annotations such as {request} are for humans and carry no unit.
        var bare = Annotation().Replace(unit ?? "", "").Trim();
        if (bare == "1")
        {
            return isGauge ? "ratio" : "";
        }
        var slash = bare.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0)
        {
            return Sanitize(UnitWords.GetValueOrDefault(bare, bare));
        }
        var numerator = bare[..slash];
        var denominator = bare[(slash + 1)..];
        var per = "per_" + Sanitize(PerUnitWords.GetValueOrDefault(denominator, denominator));
        return numerator is "" or "1" ? per : Sanitize(UnitWords.GetValueOrDefault(numerator, numerator)) + "_" + per;
    }

    [GeneratedRegex(@"\{[^}]*\}")]
    private static partial Regex Annotation();

    // Prometheus allows [a-zA-Z0-9_] (colons are reserved for recording rules). Anything else becomes an underscore
    // and runs of underscores collapse to one, which also keeps names clear of the reserved "__" prefix.
    private static string Sanitize(string name)
    {
        var text = new StringBuilder(name.Length + 1);
        foreach (var c in name)
        {
            var mapped = char.IsAsciiLetterOrDigit(c) ? c : '_';
            if (mapped != '_' || text.Length == 0 || text[^1] != '_')
            {
                text.Append(mapped);
            }
        }
        if (text.Length > 0 && char.IsAsciiDigit(text[0]))
        {
            text.Insert(0, '_');
        }
        return text.ToString();
    }
}
