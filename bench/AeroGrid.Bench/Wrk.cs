using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace AeroGrid.Bench;

/// <summary>Load with wrk (closed loop: each connection sends its next request when the last one answered), parsed from its report.</summary>
internal sealed partial class Wrk(string binary, int threads, int connections)
{
    public async Task<LoadResult> RunAsync(string url, TimeSpan duration, IReadOnlyDictionary<string, string> headers)
    {
        var info = new ProcessStartInfo(binary) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "--latency", "-t", $"{threads}", "-c", $"{connections}", "-d", $"{(int)duration.TotalSeconds}s" })
        {
            info.ArgumentList.Add(arg);
        }
        foreach (var (name, value) in headers)
        {
            info.ArgumentList.Add("-H");
            info.ArgumentList.Add($"{name}: {value}");
        }
        info.ArgumentList.Add(url);
        using var process = Process.Start(info)!;
        var report = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"wrk exited with {process.ExitCode}: {await process.StandardError.ReadToEndAsync()}");
        }
        // Numbers of failed requests would flatter the target: a 401 is cheaper than a forwarded request.
        if (NotOk().Match(report) is { Success: true } failures)
        {
            throw new InvalidOperationException($"{url}: {failures.Groups[1].Value} responses were not 2xx/3xx:\n{report}");
        }
        return new LoadResult(
            double.Parse(Match(RequestsPerSecond(), report, url), CultureInfo.InvariantCulture),
            Milliseconds(Match(Percentile50(), report, url)),
            Milliseconds(Match(Percentile99(), report, url)));
    }

    private static string Match(Regex pattern, string report, string url) =>
        pattern.Match(report) is { Success: true } match
            ? match.Groups[1].Value
            : throw new InvalidOperationException($"{url}: no '{pattern}' in wrk's report:\n{report}");

    /// <summary>wrk prints durations as 812.00us, 1.23ms or 1.05s.</summary>
    private static double Milliseconds(string duration)
    {
        var unit = duration.TrimStart("0123456789.".ToCharArray());
        var value = double.Parse(duration[..^unit.Length], CultureInfo.InvariantCulture);
        return unit switch
        {
            "us" => value / 1000,
            "ms" => value,
            "s" => value * 1000,
            "m" => value * 60_000,
            _ => throw new FormatException($"unknown unit in wrk's duration '{duration}'"),
        };
    }

    [GeneratedRegex(@"Requests/sec:\s+([\d.]+)")]
    private static partial Regex RequestsPerSecond();

    [GeneratedRegex(@"^\s+50%\s+(\S+)", RegexOptions.Multiline)]
    private static partial Regex Percentile50();

    [GeneratedRegex(@"^\s+99%\s+(\S+)", RegexOptions.Multiline)]
    private static partial Regex Percentile99();

    [GeneratedRegex(@"Non-2xx or 3xx responses:\s+(\d+)")]
    private static partial Regex NotOk();
}
