using System.Diagnostics;
using System.Globalization;
using AeroGrid.Api.Client;
using k8s;

namespace AeroGrid.Bench;

/// <summary>
/// The grid path: one app (bench/GridApp, run by the SDK) with a grid of 1,000 rows updated 1,000 times a second, and
/// 50 clients of its event stream, through the gateway with a real token and, as the reference in the same run, straight
/// from the app. Delivery latency (read time minus the update's stamp) p50/p99/max, updates delivered per client per
/// second, clients that fell behind, and the CPU of the app and the gateway over each window.
/// </summary>
internal static class GridBench
{
    private const string AppName = "grid";
    private const string Grid = "ticks";

    private sealed record Target(string Name, Uri Events, string? Token, int? ProxyPid);

    private sealed class Totals
    {
        public List<Latencies> Delivery { get; } = [];
        public List<double> PerClientPerSecond { get; } = [];
        public List<string> Behind { get; } = [];
        public List<double> AppCpu { get; } = [];
        public List<double> ProxyCpu { get; } = [];
        public List<double> MadePerSecond { get; } = [];
    }

    public static async Task<int> RunAsync(string[] args)
    {
        var rows = BenchArgs.Int(args, "rows", 1000);
        var rate = BenchArgs.Int(args, "rate", 1000);
        var clients = BenchArgs.Int(args, "clients", 50);
        var rounds = BenchArgs.Int(args, "rounds", 2);
        var duration = TimeSpan.FromSeconds(BenchArgs.Int(args, "duration", 10));
        var warmup = TimeSpan.FromSeconds(BenchArgs.Int(args, "warmup", 3));

        await using var app = await StartAppAsync(rows, rate);
        var controlPlaneUrl = new Uri($"http://127.0.0.1:{PlatformProcess.FreePort()}");
        var data = Directory.CreateTempSubdirectory("aerogrid-bench-grids-").FullName;
        await using var controlPlane = await PlatformProcess.StartControlPlaneAsync(controlPlaneUrl, data);
        using var issuer = new HttpClient { BaseAddress = controlPlaneUrl };
        var gatewayUrl = new Uri($"http://127.0.0.1:{PlatformProcess.FreePort()}");
        await using var gateway = await PlatformProcess.StartGatewayAsync(gatewayUrl, controlPlaneUrl);
        var token = await DevIssuer.TokenAsync(issuer, GatewayBench.Tenant, "apps:invoke");
        var throughGateway = new Uri(gatewayUrl, $"/apps/{GatewayBench.Tenant}/{AppName}/");
        using (var api = ApiConnection.Connect(new KubernetesClientConfiguration { Host = controlPlaneUrl.ToString(), AccessToken = await DevIssuer.AdminTokenAsync(issuer) }))
        {
            await GatewayBench.DeployAsync(api, AppName, app.Url.ToString(), new Uri(throughGateway, "healthz"),
                new() { ["Authorization"] = $"Bearer {token}" });
        }

        Target[] targets =
        [
            new("direct (reference)", new Uri(app.Url, $"/grids/{Grid}/events"), null, null),
            new("through the gateway", new Uri(throughGateway, $"grids/{Grid}/events"), token, gateway.Id),
        ];
        Console.WriteLine($"grid bench: {rows} rows, {rate} updates/s, {clients} SSE clients; {rounds} rounds of {duration.TotalSeconds} s per target "
            + $"after a {warmup.TotalSeconds} s warm-up; {Environment.ProcessorCount} cores (load average {PlatformProcess.LoadAverage()} at the start)");
        var totals = targets.Select(_ => new Totals()).ToArray();
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = int.MaxValue }) { Timeout = Timeout.InfiniteTimeSpan };
        for (var round = 0; round < rounds; round++)
        {
            // Round by round, so a burst of other work on the machine hits both targets alike.
            for (var i = 0; i < targets.Length; i++)
            {
                await RoundAsync(http, app, targets[i], clients, warmup, duration, totals[i]);
            }
        }

        Console.WriteLine();
        Console.WriteLine($"| measure ({rounds} x {duration.TotalSeconds} s each) | {targets[0].Name} | {targets[1].Name} | goal |");
        Console.WriteLine("|---|---|---|---|");
        Console.WriteLine($"| delivery latency p50 / p99 / max | {Delivery(totals[0])} | {Delivery(totals[1])} | p99 <= 50 ms |");
        Console.WriteLine($"| updates delivered per client per second (made by the app) | {Rates(totals[0])} | {Rates(totals[1])} | {rate} |");
        Console.WriteLine($"| clients behind | {Behind(totals[0], clients)} | {Behind(totals[1], clients)} | none |");
        Console.WriteLine($"| app CPU, % of one core | {Mean(totals[0].AppCpu):F0} % | {Mean(totals[1].AppCpu):F0} % | |");
        Console.WriteLine($"| gateway CPU, % of one core | | {Mean(totals[1].ProxyCpu):F0} % | |");
        var gatewayP99 = Latencies.Of(totals[1].Delivery).Percentile(99);
        var met = gatewayP99 <= 50 && totals[1].Behind.Count == 0;
        Console.WriteLine($"goal (through the gateway: p99 <= 50 ms, no client behind): {(met ? "met" : "not met")}; load average {PlatformProcess.LoadAverage()} at the end");
        Directory.Delete(data, recursive: true);
        return 0;
    }

    /// <summary>Connects the clients, waits for every snapshot and the warm-up, then measures one window.</summary>
    private static async Task RoundAsync(HttpClient http, GridApp app, Target target, int clients, TimeSpan warmup, TimeSpan duration, Totals totals)
    {
        using var stop = new CancellationTokenSource();
        var subscribers = Enumerable.Range(0, clients).Select(_ => new GridSubscriber()).ToArray();
        var reading = subscribers.Select(s => Task.Run(() => s.RunAsync(http, target.Events, target.Token, stop.Token))).ToArray();
        await Task.WhenAll(subscribers.Select(s => s.Subscribed.Task)).WaitAsync(TimeSpan.FromSeconds(30));
        await Task.Delay(warmup);

        var (appCpu, proxyCpu, version) = (PlatformProcess.CpuSeconds(app.Id), target.ProxyPid is { } pid ? PlatformProcess.CpuSeconds(pid) : 0, await app.VersionAsync(http));
        var window = Stopwatch.StartNew();
        GridSubscriber.Measuring = true;
        await Task.Delay(duration);
        GridSubscriber.Measuring = false;
        var seconds = window.Elapsed.TotalSeconds;
        var cpu = 100 * (PlatformProcess.CpuSeconds(app.Id) - appCpu) / seconds;
        var cpuProxy = target.ProxyPid is { } proxy ? 100 * (PlatformProcess.CpuSeconds(proxy) - proxyCpu) / seconds : double.NaN;
        var made = (await app.VersionAsync(http) - version) / seconds;

        await stop.CancelAsync();
        await Task.WhenAll(reading);
        var round = Latencies.Of(subscribers.Select(s => s.Delivery));
        var behind = subscribers.Where(s => s.Behind is not null).Select(s => s.Behind!).ToList();
        Console.WriteLine($"{target.Name,-20} delivery {round}, max {round.Percentile(100):F1} ms; {subscribers.Average(s => s.Delivered) / seconds:F0} updates/s per client "
            + $"of {made:F0} made; {behind.Count} behind{(behind.Count > 0 ? $" ({behind[0]})" : "")}; app CPU {cpu:F0} %"
            + (target.ProxyPid is null ? "" : $", gateway CPU {cpuProxy:F0} %") + $"; load average {PlatformProcess.LoadAverage()}");
        totals.Delivery.Add(round);
        totals.PerClientPerSecond.AddRange(subscribers.Select(s => s.Delivered / seconds));
        totals.MadePerSecond.Add(made);
        totals.Behind.AddRange(behind);
        totals.AppCpu.Add(cpu);
        totals.ProxyCpu.Add(cpuProxy);
    }

    private static string Delivery(Totals totals)
    {
        var all = Latencies.Of(totals.Delivery);
        return $"{all.Percentile(50):F1} / {all.Percentile(99):F1} / {all.Percentile(100):F0} ms";
    }

    private static string Rates(Totals totals) =>
        $"{Mean(totals.PerClientPerSecond):F0} (min {totals.PerClientPerSecond.Min():F0}; {Mean(totals.MadePerSecond):F0} made)";

    private static string Behind(Totals totals, int clients) =>
        totals.Behind.Count == 0 ? $"0 of {clients * totals.AppCpu.Count}" : $"{totals.Behind.Count} of {clients * totals.AppCpu.Count}: {totals.Behind[0]}";

    private static double Mean(List<double> values) => values.Count == 0 ? double.NaN : values.Average();

    private static async Task<GridApp> StartAppAsync(int rows, int rate)
    {
        var environment = new Dictionary<string, string>
        {
            ["GRID_ROWS"] = rows.ToString(CultureInfo.InvariantCulture),
            ["GRID_RATE"] = rate.ToString(CultureInfo.InvariantCulture),
        };
        return await GridApp.StartAsync(Path.Combine(PlatformProcess.RepositoryRoot, "bench", "GridApp"), environment);
    }
}
