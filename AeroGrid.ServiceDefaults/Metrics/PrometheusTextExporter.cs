using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace AeroGrid.ServiceDefaults.Metrics;

/// <summary>
/// Renders each collection as Prometheus text. Wrapped in a plain <see cref="BaseExportingMetricReader"/>, which
/// has no timer, it runs when a scrape calls <see cref="MetricReader.Collect"/> (and once as the provider shuts down).
/// </summary>
/// <remarks>
/// Not marked <c>[ExportModes(ExportModes.Pull)]</c>: the SDK lets a pull-only exporter collect only through an
/// interface internal to OpenTelemetry (its Prometheus exporter's), and refuses every other collection.
/// </remarks>
internal sealed class PrometheusTextExporter : BaseExporter<Metric>
{
    private volatile string _text = "";

    /// <summary>The text of the latest collection.</summary>
    public string Text => _text;

    public override ExportResult Export(in Batch<Metric> batch)
    {
        var writer = new PrometheusTextWriter();
        if (ParentProvider is { } provider)
        {
            writer.WriteTargetInfo(provider.GetResource());
        }
        foreach (var metric in batch)
        {
            writer.Write(metric);
        }
        _text = writer.ToString();
        return ExportResult.Success;
    }
}
