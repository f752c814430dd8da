using System.Net;
using AeroGrid.Api.Client;
using AeroGrid.Api.Resources;
using k8s;

namespace AeroGrid.Bench;

/// <summary>
/// What the gateway costs: requests/s and p50/p99 latency straight from a stand-in app, through nginx, through YARP
/// alone (<c>bench/Reference/BareProxy</c>) and through the gateway (JWT validation, tenant check, header rules,
/// telemetry, YARP), all loaded by wrk in one run: a small, a 1 KB and a 100 KB response, and 1 KB over many
/// connections; the gateway's share of nginx and the p99 it adds. For the proxies also their own CPU per request,
/// which moves less than requests/s when other work shares the two cores; YARP alone splits the gateway's gap to nginx
/// into the framework's part and AeroGrid's.
/// </summary>
internal static class GatewayBench
{
    internal const string Tenant = "bench";
    private const string AppName = "hello";

    public static async Task<int> RunAsync(string[] args)
    {
        var duration = TimeSpan.FromSeconds(BenchArgs.Int(args, "duration", 5));
        var rounds = BenchArgs.Int(args, "rounds", 3);
        var warmup = TimeSpan.FromSeconds(BenchArgs.Int(args, "warmup", 3));
        var connections = BenchArgs.Int(args, "connections", 32);
        var manyConnections = BenchArgs.Int(args, "many-connections", 256);
        var threads = BenchArgs.Int(args, "threads", 2);
        var wrkBinary = await DebianPackages.RequireAsync("wrk", "wrk");
        var nginxBinary = await DebianPackages.RequireAsync("nginx", "nginx");

        await using var upstream = await UpstreamApp.StartAsync();
        var controlPlaneUrl = new Uri($"http://127.0.0.1:{PlatformProcess.FreePort()}");
        var data = Directory.CreateTempSubdirectory("aerogrid-bench-").FullName;
        await using var controlPlane = await PlatformProcess.StartControlPlaneAsync(controlPlaneUrl, data);
        using var http = new HttpClient { BaseAddress = controlPlaneUrl };
        var adminToken = await DevIssuer.AdminTokenAsync(http);
        var gatewayUrl = new Uri($"http://127.0.0.1:{PlatformProcess.FreePort()}");
        await using var gateway = await PlatformProcess.StartGatewayAsync(gatewayUrl, controlPlaneUrl);
        // YARP alone gets the same path as the gateway, so both strip the same prefix.
        var appPrefix = $"/apps/{Tenant}/{AppName}";
        var bareProxyUrl = new Uri($"http://127.0.0.1:{PlatformProcess.FreePort()}");
        await using var bareProxy = await PlatformProcess.StartBareProxyAsync(bareProxyUrl, appPrefix, upstream.Address);
        var nginxPort = PlatformProcess.FreePort();
        await using var nginx = await Nginx.StartAsync(nginxBinary, nginxPort, upstream.Address);

        // Every target gets the same request, token included, so they read the same bytes; only the gateway checks it.
        var headers = new Dictionary<string, string> { ["Authorization"] = $"Bearer {await DevIssuer.TokenAsync(http, Tenant, "apps:invoke")}" };
        var throughGateway = new Uri(gatewayUrl, appPrefix + "/");
        using var api = ApiConnection.Connect(new KubernetesClientConfiguration { Host = controlPlaneUrl.ToString(), AccessToken = adminToken });
        await DeployAsync(api, AppName, upstream.Address, throughGateway, headers);

        (string Name, string Path, int Connections)[] cases =
        [
            ($"{UpstreamApp.Body.Length} B, {connections} connections", "", connections),
            ($"1 KB, {connections} connections", "1k", connections),
            ($"100 KB, {connections} connections", "100k", connections),
            ($"1 KB, {manyConnections} connections", "1k", manyConnections),
        ];
        Console.WriteLine($"gateway bench: wrk -t{threads}, {rounds} rounds of {duration.TotalSeconds} s per target and case after a "
            + $"{warmup.TotalSeconds} s warm-up; all on this machine's {Environment.ProcessorCount} cores (load average {PlatformProcess.LoadAverage()} at the start)");
        Console.WriteLine($"{"case",-26} {"target",-18} {"requests/s",12} {"of nginx",9} {"p50 ms",8} {"p99 ms",8} {"CPU us/req",11}   (medians of {rounds} rounds)");
        foreach (var (name, path, caseConnections) in cases)
        {
            var wrk = new Wrk(wrkBinary, threads, caseConnections);
            // The stand-in app runs in this process, so only the proxies' CPU is their own.
            (string Name, string Url, Func<double>? Cpu)[] targets =
            [
                ("upstream, direct", $"{upstream.Address}/{path}", null),
                ("nginx", $"http://127.0.0.1:{nginxPort}/{path}", nginx.CpuSeconds),
                ("YARP alone", new Uri(bareProxyUrl, $"{appPrefix}/{path}").ToString(), () => PlatformProcess.CpuSeconds(bareProxy.Id)),
                ("gateway", new Uri(throughGateway, path).ToString(), () => PlatformProcess.CpuSeconds(gateway.Id)),
            ];
            foreach (var (_, url, _) in targets)
            {
                await wrk.RunAsync(url, warmup, headers);
            }
            // Round by round, so a burst of other work on the machine hits every target alike; the median drops such rounds.
            var runs = targets.Select(_ => new List<LoadResult>()).ToArray();
            var cpuPerRequest = targets.Select(_ => new List<double>()).ToArray();
            for (var round = 0; round < rounds; round++)
            {
                for (var i = 0; i < targets.Length; i++)
                {
                    var cpuBefore = targets[i].Cpu?.Invoke() ?? 0;
                    var run = await wrk.RunAsync(targets[i].Url, duration, headers);
                    runs[i].Add(run);
                    cpuPerRequest[i].Add(((targets[i].Cpu?.Invoke() ?? 0) - cpuBefore) * 1e6 / (run.RequestsPerSecond * duration.TotalSeconds));
                }
            }
            var nginxPerSecond = Median(runs[1].Select(r => r.RequestsPerSecond));
            for (var i = 0; i < targets.Length; i++)
            {
                var perSecond = Median(runs[i].Select(r => r.RequestsPerSecond));
                Console.WriteLine($"{name,-26} {targets[i].Name,-18} {perSecond,12:N0} {perSecond / nginxPerSecond,9:F2} "
                    + $"{Median(runs[i].Select(r => r.P50Milliseconds)),8:F2} {Median(runs[i].Select(r => r.P99Milliseconds)),8:F2} "
                    + (targets[i].Cpu is null ? $"{"-",11}" : $"{Median(cpuPerRequest[i]),11:F0}"));
            }
            var addedP99 = Median(runs[3].Select(r => r.P99Milliseconds)) - Median(runs[1].Select(r => r.P99Milliseconds));
            Console.WriteLine($"{name,-26} gateway: {Median(runs[3].Select(r => r.RequestsPerSecond)) / nginxPerSecond:F2} of nginx "
                + $"(goal >= 0.9), p99 {addedP99:+0.00;-0.00} ms over nginx (goal <= 1 ms)");
        }
        Console.WriteLine($"load average {PlatformProcess.LoadAverage()} at the end");
        Directory.Delete(data, recursive: true);
        return 0;
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    /// <summary>The app as the Operator would report it, served from <paramref name="endpoint"/>; returns once the gateway answers 200 at <paramref name="probe"/>.</summary>
    internal static async Task DeployAsync(ApiClient api, string name, string endpoint, Uri probe, Dictionary<string, string> headers)
    {
        var app = await api.Apps.CreateAsync(new App
        {
            Metadata = new() { Name = name, NamespaceProperty = Tenant },
            Spec = new() { Files = [new() { Path = "app.py", Content = "print('a stand-in serves this app')" }] },
        });
        await api.Apps.UpdateStatusAsync(app with { Status = new AppStatus { Phase = AppPhase.Running, ReadyReplicas = 1, Endpoints = [endpoint] } });
        using var http = new HttpClient();
        for (var i = 0; i < 100; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, probe);
            foreach (var (header, value) in headers)
            {
                request.Headers.Add(header, value);
            }
            using var response = await http.SendAsync(request);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                return;
            }
            await Task.Delay(50);
        }
        throw new TimeoutException($"the gateway never forwarded {probe} to the app");
    }
}
