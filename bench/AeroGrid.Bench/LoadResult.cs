namespace AeroGrid.Bench;

/// <summary>What one load run measured: throughput and latency percentiles in milliseconds.</summary>
internal sealed record LoadResult(double RequestsPerSecond, double P50Milliseconds, double P99Milliseconds);
