namespace AeroGrid.Bench;

/// <summary>Recorded durations and their percentiles.</summary>
internal sealed class Latencies
{
    private readonly List<double> _milliseconds = [];

    public int Count => _milliseconds.Count;

    /// <summary>All of <paramref name="parts"/>' durations in one.</summary>
    public static Latencies Of(IEnumerable<Latencies> parts)
    {
        var all = new Latencies();
        foreach (var part in parts)
        {
            all._milliseconds.AddRange(part._milliseconds);
        }
        return all;
    }

    public void Add(TimeSpan duration)
    {
        lock (_milliseconds)
        {
            _milliseconds.Add(duration.TotalMilliseconds);
        }
    }

    public double Last()
    {
        lock (_milliseconds)
        {
            return _milliseconds[^1];
        }
    }

    public double Percentile(double p)
    {
        var sorted = _milliseconds.Order().ToList();
        return sorted.Count == 0 ? double.NaN : sorted[(int)Math.Clamp(Math.Ceiling(p / 100 * sorted.Count) - 1, 0, sorted.Count - 1)];
    }

    public override string ToString() => $"p50 {Percentile(50):F2} ms, p99 {Percentile(99):F2} ms (n={Count})";
}
