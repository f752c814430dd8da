using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using AeroGrid.Api.Client;
using AeroGrid.Api.Resources;

namespace AeroGrid.Bench;

/// <summary>
/// The Operator with the local backend: edit-to-live latency of code-only edits (API write to the first
/// response of the new revision) and the same for a new app whose environment is cached, each with processes
/// started cold and forked from a warm interpreter, next to a bare <c>python -m aerogrid</c>'s start; and the
/// Operator's CPU and memory while 100 apps sit idle.
/// </summary>
internal static class OperatorBench
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(2) };

    public static async Task<int> RunAsync(string[] args)
    {
        var edits = BenchArgs.Int(args, "edits", 25);
        var fresh = BenchArgs.Int(args, "fresh", 10);
        var idleApps = BenchArgs.Int(args, "idle-apps", 100);
        var idleSeconds = BenchArgs.Int(args, "idle-seconds", 30);
        var pause = TimeSpan.FromMilliseconds(BenchArgs.Int(args, "pause-ms", 500));
        var data = Directory.CreateTempSubdirectory("aerogrid-bench-operator-").FullName;
        var api = new Uri($"http://127.0.0.1:{PlatformProcess.FreePort()}");
        var issuer = new Uri(api, "/dev-issuer/");
        await using var controlPlane = await PlatformProcess.StartControlPlaneAsync(api, Path.Combine(data, "cp"));
        var tokens = new ClientCredentialsTokenProvider(new HttpClient(), new Uri(issuer, "oauth/token"),
            new Dictionary<string, string> { ["permissions"] = "platform:admin", ["subject"] = "bench" });
        using var client = ApiConnection.Connect(ApiConnection.Configure(api, tokens));
        Console.WriteLine($"operator bench: {edits} code edits and {fresh} new apps on a cached environment, started cold and forked from a warm "
            + $"interpreter, each on a fresh Operator; then {idleApps} idle apps for {idleSeconds} s (load average {PlatformProcess.LoadAverage()} at the start)");

        var bare = await BarePythonAsync(Path.Combine(data, "bare"), Math.Max(10, fresh));
        var cold = await EditsAsync(client, api, Path.Combine(data, "cold"), "cold", warm: false, edits, fresh, pause);
        var warm = await EditsAsync(client, api, Path.Combine(data, "warm"), "warm", warm: true, edits, fresh, pause);

        Console.WriteLine();
        Console.WriteLine("| measure | cold start (reference) | warm interpreter | goal |");
        Console.WriteLine("|---|---|---|---|");
        Console.WriteLine($"| edit-to-live, code-only edit | {cold.Edits} | {warm.Edits} | p50 <= 50 ms, p99 <= 120 ms |");
        Console.WriteLine($"| new app on a cached environment | {cold.Fresh} | {warm.Fresh} | p50 <= 60 ms |");
        Console.WriteLine($"| bare `python -m aerogrid`, exec to /healthz | {bare} | | |");
        Console.WriteLine($"load average {PlatformProcess.LoadAverage()} after the edits");
        Console.WriteLine();

        await IdleAsync(client, warm.Operator, idleApps, idleSeconds, fresh + 1);
        await warm.Operator.DisposeAsync();
        Directory.Delete(data, recursive: true);
        return 0;
    }

    private sealed record EditResults(Latencies Edits, Latencies Fresh, PlatformProcess Operator);

    /// <summary>On a fresh Operator: a first app (its environment built), code edits to it, then new apps on that environment.</summary>
    /// <remarks>
    /// Edits are <paramref name="pause"/> apart, as a person's saves are: back to back, an edit would also wait for the
    /// Operator to finish recording the one before (its Revision and the history's pruning).
    /// </remarks>
    private static async Task<EditResults> EditsAsync(ApiClient client, Uri api, string data, string prefix, bool warm, int edits, int fresh, TimeSpan pause)
    {
        var issuer = new Uri(api, "/dev-issuer/");
        var operatorUrl = new Uri($"http://127.0.0.1:{PlatformProcess.FreePort()}");
        var @operator = await PlatformProcess.StartAsync("AeroGrid.Operator", new Uri(operatorUrl, "/health"),
            "--urls", operatorUrl.ToString(), "--Auth:Authority", issuer.ToString(),
            "--Operator:ApiServer", api.ToString(), "--Operator:TokenEndpoint", new Uri(issuer, "oauth/token").ToString(),
            "--Operator:Local:DataDirectory", data,
            "--Operator:Local:SdkPath", Path.Combine(PlatformProcess.RepositoryRoot, "python"),
            "--Operator:Local:WarmEnvironments", warm ? "4" : "0",
            "--Operator:Local:DrainDelay", "00:00:00.500", "--Operator:Local:GracePeriod", "00:00:02");
        var first = Stopwatch.StartNew();
        var edited = $"{prefix}-edited";
        await client.Apps.CreateAsync(NewApp(edited, "v0"));
        await FirstAnswerAsync(client, edited, "v0");
        Console.WriteLine($"{prefix}: first app, environment built: {first.Elapsed.TotalMilliseconds:F0} ms to its first answer");

        var editLatency = new Latencies();
        for (var i = 1; i <= edits; i++)
        {
            await Task.Delay(pause);
            var app = await client.Apps.GetAsync("bench", edited);
            var sent = Stopwatch.StartNew();
            await client.Apps.UpdateAsync(app with { Spec = app.Spec with { Files = Files($"v{i}") } });
            await FirstAnswerAsync(client, edited, $"v{i}");
            editLatency.Add(sent.Elapsed);
        }
        Console.WriteLine($"{prefix}: edit-to-live, code-only edit: {editLatency}; the Operator's own histogram says {await OwnMeasureAsync(operatorUrl)}");

        var freshLatency = new Latencies();
        for (var i = 0; i < fresh; i++)
        {
            await Task.Delay(pause);
            var sent = Stopwatch.StartNew();
            await client.Apps.CreateAsync(NewApp($"{prefix}-fresh-{i}", "fresh"));
            await FirstAnswerAsync(client, $"{prefix}-fresh-{i}", "fresh");
            freshLatency.Add(sent.Elapsed);
        }
        Console.WriteLine($"{prefix}: new app, environment cached: {freshLatency}");
        if (!warm)
        {
            // Its apps go with it (deleted while it runs, so their finalizer is seen to): the warm run starts from an
            // Operator with nothing to roll out but what it measures.
            var names = new[] { edited }.Concat(Enumerable.Range(0, fresh).Select(i => $"{prefix}-fresh-{i}")).ToList();
            foreach (var name in names)
            {
                await client.Apps.DeleteAsync("bench", name);
            }
            while ((await client.Apps.ListAsync("bench")).Items.Any(a => names.Contains(a.Metadata.Name)))
            {
                await Task.Delay(100);
            }
            await @operator.DisposeAsync();
        }
        return new(editLatency, freshLatency, @operator);
    }

    /// <summary>The reference: the interpreter's own start-up and the SDK's import, what a cold start cannot avoid.</summary>
    private static async Task<Latencies> BarePythonAsync(string folder, int rounds)
    {
        Directory.CreateDirectory(folder);
        foreach (var file in Files("bare"))
        {
            await File.WriteAllTextAsync(Path.Combine(folder, file.Path), file.Content);
        }
        // The real binary, as the Operator resolves it: python3 may be a shim that costs a start of its own.
        var resolve = Process.Start(new ProcessStartInfo("python3", ["-c", "import sys; print(sys.executable)"]) { RedirectStandardOutput = true })!;
        var python = (await resolve.StandardOutput.ReadToEndAsync()).Trim();
        await resolve.WaitForExitAsync();
        var latencies = new Latencies();
        for (var i = 0; i < rounds; i++)
        {
            var port = PlatformProcess.FreePort();
            var info = new ProcessStartInfo(python, ["-m", "aerogrid"]) { WorkingDirectory = folder, RedirectStandardOutput = true };
            info.Environment["PYTHONPATH"] = Path.Combine(PlatformProcess.RepositoryRoot, "python");
            info.Environment["PORT"] = port.ToString(CultureInfo.InvariantCulture);
            var started = Stopwatch.StartNew();
            using var process = Process.Start(info)!;
            while (!await AnswersAsync($"http://127.0.0.1:{port}/healthz", expected: null))
            {
                await Task.Delay(2);
            }
            latencies.Add(started.Elapsed);
            process.Kill();
            await process.WaitForExitAsync();
        }
        return latencies;
    }

    private static async Task IdleAsync(ApiClient client, PlatformProcess @operator, int idleApps, int idleSeconds, int running)
    {
        var creating = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, idleApps), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, cancellationToken) =>
        {
            await client.Apps.CreateAsync(NewApp($"idle-{i}", "idle"), cancellationToken);
            await FirstAnswerAsync(client, $"idle-{i}", "idle");
        });
        Console.WriteLine($"{idleApps} apps running after {creating.Elapsed.TotalSeconds:F1} s");
        var (cpuBefore, _) = ProcessStats(@operator.Id);
        var idle = Stopwatch.StartNew();
        await Task.Delay(TimeSpan.FromSeconds(idleSeconds));
        var (cpuAfter, rss) = ProcessStats(@operator.Id);
        Console.WriteLine($"operator at rest with {idleApps + running} apps: CPU {100 * (cpuAfter - cpuBefore) / idle.Elapsed.TotalSeconds:F2} % of one core, RSS {rss / 1024} MiB");
    }

    /// <summary>The mean of the Operator's <c>aerogrid_app_edit_to_live_seconds</c> histogram, for comparison with the bench's own clock.</summary>
    private static async Task<string> OwnMeasureAsync(Uri operatorUrl)
    {
        var lines = (await Http.GetStringAsync(new Uri(operatorUrl, "/metrics"))).Split('\n');
        // "name{labels} value [timestamp]"; the exporter adds labels such as otel_scope_name.
        double Sample(string name)
        {
            var line = lines.First(l => l.StartsWith(name + " ", StringComparison.Ordinal) || l.StartsWith(name + "{", StringComparison.Ordinal));
            return double.Parse(line[(line.LastIndexOf('}') + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
        }
        var (sum, count) = (Sample("aerogrid_app_edit_to_live_seconds_sum"), Sample("aerogrid_app_edit_to_live_seconds_count"));
        return $"mean {1000 * sum / count:F1} ms over {count} revisions";
    }

    /// <summary>Waits (by watching the App, not polling the API) for its endpoint, then polls the app until it answers <paramref name="expected"/>.</summary>
    private static async Task FirstAnswerAsync(ApiClient client, string name, string expected)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var seen = new HashSet<string>();
        while (true)
        {
            var app = await client.Apps.GetAsync("bench", name, timeout.Token);
            foreach (var endpoint in app.Status?.Endpoints ?? [])
            {
                if (await AnswersAsync(endpoint, expected))
                {
                    return;
                }
                seen.Add(endpoint);
            }
            await foreach (var change in client.Apps.WatchAsync("bench", app.Metadata.ResourceVersion, timeoutSeconds: 5, cancellationToken: timeout.Token))
            {
                if (change.Object?.Metadata.Name == name && change.Object.Status?.Endpoints is { Count: > 0 } endpoints && endpoints.Any(e => !seen.Contains(e)))
                {
                    break;
                }
            }
        }
    }

    private static async Task<bool> AnswersAsync(string endpoint, string? expected)
    {
        try
        {
            var body = await Http.GetFromJsonAsync<JsonObject>(endpoint);
            return expected is null || body?["message"]?.GetValue<string>() == expected;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException)
        {
            return false;
        }
    }

    /// <summary>CPU seconds used so far and resident memory (KiB), from /proc.</summary>
    private static (double CpuSeconds, long RssKiB) ProcessStats(int pid)
    {
        var rss = File.ReadAllLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return (PlatformProcess.CpuSeconds(pid), long.Parse(rss.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture));
    }

    private static App NewApp(string name, string message) => new()
    {
        Metadata = new() { Name = name, NamespaceProperty = "bench" },
        Spec = new() { Files = Files(message) },
    };

    private static List<AppFile> Files(string message) =>
    [
        new() { Path = "app.py", Content = $"from aerogrid import App\napp = App()\n\n@app.get('/')\ndef index():\n    return {{'message': '{message}'}}\n" },
        new() { Path = "requirements.txt", Content = "" },
    ];
}
