using System.Globalization;
using System.Text.Json;

namespace AeroGrid.Tests.Infrastructure;

/// <summary>One series of an instant query's result vector: its labels and its value.</summary>
internal sealed record PrometheusResult(IReadOnlyDictionary<string, string> Labels, double Value)
{
    public static PrometheusResult From(JsonElement series) => new(
        series.GetProperty("metric").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? "", StringComparer.Ordinal),
        double.Parse(series.GetProperty("value")[1].GetString()!, CultureInfo.InvariantCulture));
}
