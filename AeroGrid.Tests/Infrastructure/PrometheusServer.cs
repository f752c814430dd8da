using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace AeroGrid.Tests.Infrastructure;

/// <summary>
/// A real Prometheus (the Debian package's <c>/usr/bin/prometheus</c>, which <c>.ci/run</c> installs) scraping the given
/// targets every second, with its storage in a temporary folder and its API on a free loopback port.
/// </summary>
internal sealed class PrometheusServer : IAsyncDisposable
{
    public const string Binary = "/usr/bin/prometheus";
    public const string Job = "aerogrid";

    private readonly Process _process;
    private readonly string _directory;
    private readonly StringBuilder _output = new();
    private readonly HttpClient _http;

    private PrometheusServer(Process process, string directory, Uri api)
    {
        _process = process;
        _directory = directory;
        _http = new HttpClient { BaseAddress = api, Timeout = TimeSpan.FromSeconds(10) };
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>What Prometheus printed so far, for failure messages.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static PrometheusServer Start(IEnumerable<Uri> targets)
    {
        Assert.True(File.Exists(Binary), $"{Binary} is missing: apt-get install -y --no-install-recommends prometheus (.ci/run does)");
        var directory = Directory.CreateTempSubdirectory("aerogrid-prometheus-").FullName;
        var config = Path.Combine(directory, "prometheus.yml");
        var hosts = string.Join(", ", targets.Select(t => $"'{t.Authority}'"));
        // The metrics path is Prometheus' default, /metrics, so a service that moved it would fail here.
        File.WriteAllText(config, $"""
            global:
              scrape_interval: 1s
              scrape_timeout: 1s
            scrape_configs:
              - job_name: {Job}
                static_configs:
                  - targets: [{hosts}]
            """);
        var port = ServiceProcess.FreePort();
        var info = new ProcessStartInfo(Binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in (string[])[
            $"--config.file={config}",
            $"--storage.tsdb.path={Path.Combine(directory, "data")}",
            $"--web.listen-address=127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}",
        ])
        {
            info.ArgumentList.Add(arg);
        }
        var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {Binary}");
        return new PrometheusServer(process, directory, new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/"));
    }

    /// <summary>An instant query through <c>/api/v1/query</c>: the result vector, empty while nothing matches (or Prometheus is starting).</summary>
    public async Task<IReadOnlyList<PrometheusResult>> QueryAsync(string promql, CancellationToken cancellationToken)
    {
        Assert.False(_process.HasExited, $"prometheus exited with {(_process.HasExited ? _process.ExitCode : 0)}:\n{Output}");
        try
        {
            using var response = await _http.GetAsync($"api/v1/query?query={Uri.EscapeDataString(promql)}", cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                return [];
            }
            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
            return [.. body.RootElement.GetProperty("data").GetProperty("result").EnumerateArray().Select(PrometheusResult.From)];
        }
        catch (HttpRequestException)
        {
            // Not listening yet.
            return [];
        }
    }

    /// <summary>The scrape state of the targets (<c>/api/v1/targets</c>) as JSON, for failure messages.</summary>
    public async Task<string> TargetsAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await _http.GetStringAsync("api/v1/targets", cancellationToken);
        }
        catch (HttpRequestException e)
        {
            return e.Message;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }
        await _process.WaitForExitAsync();
        _process.Dispose();
        _http.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
