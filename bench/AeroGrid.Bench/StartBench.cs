using System.Diagnostics;

namespace AeroGrid.Bench;

/// <summary>
/// Platform start: <c>dotnet run --no-build</c> of the AeroGrid AppHost until its four services are healthy, against a
/// bare Aspire AppHost of four empty projects with the same waits, alternating in the same run.
/// </summary>
internal static class StartBench
{
    public static async Task<int> RunAsync(string[] args)
    {
        var rounds = BenchArgs.Int(args, "rounds", 5);
        Console.WriteLine($"start bench: {rounds} rounds, bare Aspire AppHost and AeroGrid AppHost alternating (dotnet run --no-build, Release); load average {PlatformProcess.LoadAverage()}");
        var (bare, aerogrid) = (new Latencies(), new Latencies());
        for (var round = 0; round < rounds; round++)
        {
            foreach (var measureBareFirst in round % 2 == 0 ? new[] { true, false } : [false, true])
            {
                if (measureBareFirst)
                {
                    bare.Add(await TimeBareAsync());
                }
                else
                {
                    aerogrid.Add(await TimeAeroGridAsync());
                }
            }
            Console.WriteLine($"  round {round + 1}: bare {bare.Last():F0} ms, aerogrid {aerogrid.Last():F0} ms");
        }
        Console.WriteLine($"bare AppHost, 4 empty projects healthy:  {Seconds(bare)}");
        Console.WriteLine($"AeroGrid AppHost, 4 services healthy:     {Seconds(aerogrid)}");
        Console.WriteLine($"ratio of medians: {aerogrid.Percentile(50) / bare.Percentile(50):F2}x (goal <= 1.25x); load average {PlatformProcess.LoadAverage()}");
        return 0;
    }

    private static string Seconds(Latencies latencies) =>
        $"median {latencies.Percentile(50) / 1000:F1} s, min {latencies.Percentile(0) / 1000:F1} s, max {latencies.Percentile(100) / 1000:F1} s";

    private static async Task<TimeSpan> TimeBareAsync()
    {
        var ports = Enumerable.Range(0, 4).Select(_ => PlatformProcess.FreePort()).ToArray();
        var (run, elapsed) = await AppHostRun.StartAsync(Path.Combine("bench", "Reference", "BareAppHost"),
            [.. ports.Select(port => new Uri($"http://127.0.0.1:{port}/health"))],
            [.. ports.Select((port, i) => $"--Bare:Ports:{i}={port}")]);
        await run.StopAsync();
        return elapsed;
    }

    private static async Task<TimeSpan> TimeAeroGridAsync()
    {
        var data = Directory.CreateTempSubdirectory("aerogrid-bench-start-").FullName;
        var (api, op, gateway, portal) = (PlatformProcess.FreePort(), PlatformProcess.FreePort(), PlatformProcess.FreePort(), PlatformProcess.FreePort());
        var (run, elapsed) = await AppHostRun.StartAsync("AeroGrid.AppHost",
            [new($"http://127.0.0.1:{api}/readyz"), new($"http://127.0.0.1:{op}/health"), new($"http://127.0.0.1:{gateway}/health"), new($"http://127.0.0.1:{portal}/health")],
            $"--AeroGrid:DataDirectory={data}", $"--AeroGrid:ApiPort={api}", $"--AeroGrid:ApiHttpsPort={PlatformProcess.FreePort()}",
            $"--AeroGrid:OperatorPort={op}", $"--AeroGrid:GatewayPort={gateway}", $"--AeroGrid:PortalPort={portal}");
        await run.StopAsync();
        Directory.Delete(data, recursive: true);
        return elapsed;
    }
}
