using AeroGrid.Bench;

// Benchmarks of the running platform, each against real processes on this machine.
// Usage: dotnet run -c Release --project bench/AeroGrid.Bench -- <scenario>
return args switch
{
    ["controlplane", .. var rest] => await ControlPlaneBench.RunAsync(rest),
    ["operator", .. var rest] => await OperatorBench.RunAsync(rest),
    ["gateway", .. var rest] => await GatewayBench.RunAsync(rest),
    ["portal", .. var rest] => await PortalBench.RunAsync(rest),
    ["start", .. var rest] => await StartBench.RunAsync(rest),
    ["dashboard", .. var rest] => await DashboardBench.RunAsync(rest),
    ["grids", .. var rest] => await GridBench.RunAsync(rest),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("""
        usage: AeroGrid.Bench controlplane [--apps 1000] [--writers 8] [--updates 2000] [--watch-events 500]
               AeroGrid.Bench operator [--edits 25] [--fresh 10] [--pause-ms 500] [--idle-apps 100] [--idle-seconds 30]
               AeroGrid.Bench gateway [--rounds 3] [--duration 5] [--warmup 3] [--connections 32] [--many-connections 256] [--threads 2]
               AeroGrid.Bench portal [--sign-ins 20] [--edits 20] [--pause-ms 1500]
               AeroGrid.Bench start [--rounds 5]
               AeroGrid.Bench dashboard [--apps 10]
               AeroGrid.Bench grids [--rows 1000] [--rate 1000] [--clients 50] [--rounds 2] [--duration 10] [--warmup 3]
        """);
    return 2;
}
