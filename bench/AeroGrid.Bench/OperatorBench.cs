using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using AeroGrid.Api.Client;
using AeroGrid.Api.Resources;

namespace AeroGrid.Bench;

/// <summary>
/// The Operator with the local backend: edit-to-live latency of code-only edits (API write to the first
/// response of the new revision), the same for a new app whose environment is cached, and the Operator's
/// CPU and memory while 100 apps sit idle.
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
        var data = Directory.CreateTempSubdirectory("aerogrid-bench-operator-").FullName;
        var api = new Uri($"http://127.0.0.1:{PlatformProcess.FreePort()}");
        var issuer = new Uri(api, "/dev-issuer/");
        var operatorUrl = new Uri($"http://127.0.0.1:{PlatformProcess.FreePort()}");
        await using var controlPlane = await PlatformProcess.StartControlPlaneAsync(api, Path.Combine(data, "cp"));
        await using var @operator = await PlatformProcess.StartAsync("AeroGrid.Operator", new Uri(operatorUrl, "/health"),
            "--urls", operatorUrl.ToString(), "--Auth:Authority", issuer.ToString(),
            "--Operator:ApiServer", api.ToString(), "--Operator:TokenEndpoint", new Uri(issuer, "oauth/token").ToString(),
            "--Operator:Local:DataDirectory", Path.Combine(data, "operator"),
            "--Operator:Local:SdkPath", Path.Combine(PlatformProcess.RepositoryRoot, "python"),
            "--Operator:Local:DrainDelay", "00:00:00.500", "--Operator:Local:GracePeriod", "00:00:02");
        var tokens = new ClientCredentialsTokenProvider(new HttpClient(), new Uri(issuer, "oauth/token"),
            new Dictionary<string, string> { ["permissions"] = "platform:admin", ["subject"] = "bench" });
        using var client = ApiConnection.Connect(ApiConnection.Configure(api, tokens));
        Console.WriteLine($"operator bench: {edits} code edits, {fresh} new apps on a cached environment, {idleApps} idle apps for {idleSeconds} s");

        var first = Stopwatch.StartNew();
        await client.Apps.CreateAsync(NewApp("edited", "v0"));
        await FirstAnswerAsync(client, "edited", "v0");
        Console.WriteLine($"first app, environment built: {first.Elapsed.TotalMilliseconds:F0} ms to its first answer");

        var editLatency = new Latencies();
        for (var i = 1; i <= edits; i++)
        {
            var app = await client.Apps.GetAsync("bench", "edited");
            var sent = Stopwatch.StartNew();
            await client.Apps.UpdateAsync(app with { Spec = app.Spec with { Files = Files($"v{i}") } });
            await FirstAnswerAsync(client, "edited", $"v{i}");
            editLatency.Add(sent.Elapsed);
        }
        Console.WriteLine($"edit-to-live, code-only edit: {editLatency}");

        var freshLatency = new Latencies();
        for (var i = 0; i < fresh; i++)
        {
            var sent = Stopwatch.StartNew();
            await client.Apps.CreateAsync(NewApp($"fresh-{i}", "fresh"));
            await FirstAnswerAsync(client, $"fresh-{i}", "fresh");
            freshLatency.Add(sent.Elapsed);
        }
        Console.WriteLine($"new app, environment cached: {freshLatency}");

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
        Console.WriteLine($"operator at rest with {idleApps + fresh + 1} apps: CPU {100 * (cpuAfter - cpuBefore) / idle.Elapsed.TotalSeconds:F2} % of one core, RSS {rss / 1024} MiB");
        Directory.Delete(data, recursive: true);
        return 0;
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

    private static async Task<bool> AnswersAsync(string endpoint, string expected)
    {
        try
        {
            var body = await Http.GetFromJsonAsync<JsonObject>(endpoint);
            return body?["message"]?.GetValue<string>() == expected;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException)
        {
            return false;
        }
    }

    /// <summary>CPU seconds used so far and resident memory (KiB), from /proc.</summary>
    private static (double CpuSeconds, long RssKiB) ProcessStats(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        var rss = File.ReadAllLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return (ticks / 100.0, long.Parse(rss.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture));
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
