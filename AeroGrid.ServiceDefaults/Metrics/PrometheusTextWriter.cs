using System.Globalization;
using System.Text;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace AeroGrid.ServiceDefaults.Metrics;

/// <summary>
/// Writes metrics in the Prometheus text exposition format 0.0.4: a <c># HELP</c> and <c># TYPE</c> line
/// per family, then one sample per line.
/// </summary>
internal sealed class PrometheusTextWriter
{
    private readonly StringBuilder _text = new();
    private readonly HashSet<string> _families = new(StringComparer.Ordinal);

    /// <summary>The resource (service name, instance, SDK) as the <c>target_info</c> gauge, as OpenTelemetry's Prometheus mapping does.</summary>
    public void WriteTargetInfo(Resource resource)
    {
        if (!resource.Attributes.Any())
        {
            return;
        }
        WriteHeader("target_info", "Target metadata", "gauge");
        _text.Append("target_info{");
        foreach (var (key, value) in resource.Attributes)
        {
            WriteLabel(PrometheusNames.Label(key), LabelValue(value));
        }
        _text.Append("} 1\n");
    }

    public void Write(Metric metric)
    {
        // Exponential histograms only appear when a reader or view asks for them, and nothing here does.
        if (metric.MetricType == MetricType.ExponentialHistogram)
        {
            return;
        }
        var family = PrometheusNames.MetricFamily(metric);
        // Two meters may publish instruments that map to one name; a family must be one block, so the first wins.
        if (!_families.Add(family))
        {
            return;
        }
        WriteHeader(family, metric.Description, TypeOf(metric.MetricType));
        foreach (ref readonly var point in metric.GetMetricPoints())
        {
            switch (metric.MetricType)
            {
                case MetricType.Histogram:
                    WriteHistogram(family, point);
                    break;
                case MetricType.LongSum or MetricType.LongSumNonMonotonic:
                    WriteSample(family, point.Tags, null, Format(point.GetSumLong()));
                    break;
                case MetricType.DoubleSum or MetricType.DoubleSumNonMonotonic:
                    WriteSample(family, point.Tags, null, Format(point.GetSumDouble()));
                    break;
                case MetricType.LongGauge:
                    WriteSample(family, point.Tags, null, Format(point.GetGaugeLastValueLong()));
                    break;
                case MetricType.DoubleGauge:
                    WriteSample(family, point.Tags, null, Format(point.GetGaugeLastValueDouble()));
                    break;
            }
        }
    }

    public override string ToString() => _text.ToString();

    // Up-down counters can fall, so Prometheus must treat them as gauges (rate() would misread a drop as a reset).
    private static string TypeOf(MetricType type) => type switch
    {
        MetricType.LongSum or MetricType.DoubleSum => "counter",
        MetricType.Histogram => "histogram",
        _ => "gauge",
    };

    private void WriteHistogram(string family, in MetricPoint point)
    {
        // OpenTelemetry counts per bucket; Prometheus buckets are cumulative ("less than or equal").
        var cumulative = 0L;
        foreach (var bucket in point.GetHistogramBuckets())
        {
            if (double.IsPositiveInfinity(bucket.ExplicitBound))
            {
                break;
            }
            cumulative += bucket.BucketCount;
            WriteSample(family + "_bucket", point.Tags, Format(bucket.ExplicitBound), Format(cumulative));
        }
        var count = Format(point.GetHistogramCount());
        WriteSample(family + "_bucket", point.Tags, "+Inf", count);
        WriteSample(family + "_sum", point.Tags, null, Format(point.GetHistogramSum()));
        WriteSample(family + "_count", point.Tags, null, count);
    }

    private void WriteHeader(string family, string? help, string type)
    {
        if (!string.IsNullOrEmpty(help))
        {
            _text.Append("# HELP ").Append(family).Append(' ');
            AppendEscaped(help, quoted: false);
            _text.Append('\n');
        }
        _text.Append("# TYPE ").Append(family).Append(' ').Append(type).Append('\n');
    }

    private void WriteSample(string name, ReadOnlyTagCollection tags, string? le, string value)
    {
        _text.Append(name);
        if (tags.Count > 0 || le is not null)
        {
            _text.Append('{');
            foreach (var (key, tagValue) in tags)
            {
                WriteLabel(PrometheusNames.Label(key), LabelValue(tagValue));
            }
            if (le is not null)
            {
                WriteLabel("le", le);
            }
            _text.Append('}');
        }
        _text.Append(' ').Append(value).Append('\n');
    }

    private void WriteLabel(string name, string value)
    {
        if (_text[^1] != '{')
        {
            _text.Append(',');
        }
        _text.Append(name).Append("=\"");
        AppendEscaped(value, quoted: true);
        _text.Append('"');
    }

    // HELP text escapes backslash and newline; label values also escape the double quote that ends them.
    private void AppendEscaped(string value, bool quoted)
    {
        foreach (var c in value)
        {
            switch (c)
            {
                case '\\':
                    _text.Append(@"\\");
                    break;
                case '\n':
                    _text.Append(@"\n");
                    break;
                case '"' when quoted:
                    _text.Append("\\\"");
                    break;
                default:
                    _text.Append(c);
                    break;
            }
        }
    }

    private static string LabelValue(object? value) => value switch
    {
        null => "",
        bool flag => flag ? "true" : "false",
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static string Format(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Format(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        double.NaN => "NaN",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };
}
