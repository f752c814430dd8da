using System.Runtime.InteropServices;
using AeroGrid.AppHost.Hosting;
using AeroGrid.AppHost.Publish;

if (args is ["publish", .. var publishArgs])
{
    return await PublishCommand.RunAsync(publishArgs, Console.Out, Console.Error);
}
if (args.Contains("--help") || args.Contains("-h"))
{
    Console.WriteLine(AppHostOptions.Usage);
    return 0;
}
AppHostOptions options;
try
{
    options = AppHostOptions.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"{e.Message}\n\n{AppHostOptions.Usage}");
    return 2;
}

var api = $"http://127.0.0.1:{options.ApiPort}";
var issuer = $"{api}/dev-issuer/";
string[] auth = ["--Auth:Authority", issuer];

// The control plane first: everything else reads and writes through its API and gets tokens from its issuer.
var controlPlane = new Component("control-plane", "AeroGrid.ControlPlane", new($"{api}/readyz"),
[
    "--urls", api, .. auth, "--DevIssuer:Enabled", "true",
    "--ControlPlane:HttpsPort", $"{options.ApiHttpsPort}",
    "--ControlPlane:DataDirectory", Path.Combine(options.DataDirectory, "control-plane"),
    "--ControlPlane:Tenants:0", options.Tenant,
    "--ControlPlane:LogsUrl", $"http://127.0.0.1:{options.OperatorPort}",
]);
var @operator = new Component("operator", "AeroGrid.Operator", new($"http://127.0.0.1:{options.OperatorPort}/health"),
[
    "--urls", $"http://127.0.0.1:{options.OperatorPort}", .. auth,
    "--Operator:ApiServer", api, "--Operator:TokenEndpoint", $"{issuer}oauth/token",
    "--Operator:Local:DataDirectory", Path.Combine(options.DataDirectory, "operator"),
    "--Operator:Local:SdkPath", Repository.PythonSdk,
    .. PipOptions(options),
]);

await using (controlPlane)
await using (@operator)
{
    using var stop = new CancellationTokenSource();
    Console.CancelKeyPress += (_, e) =>
    {
        e.Cancel = true;
        stop.Cancel();
    };
    using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
    {
        context.Cancel = true;
        stop.Cancel();
    });

    controlPlane.Start();
    await controlPlane.WaitHealthyAsync(TimeSpan.FromSeconds(60));
    @operator.Start();
    await @operator.WaitHealthyAsync(TimeSpan.FromSeconds(60));

    Console.WriteLine($"""

        AeroGrid is running (Ctrl+C stops everything it started).
          API (HTTP)       {api}
          API for kubectl  https://127.0.0.1:{options.ApiHttpsPort}
          operator         http://127.0.0.1:{options.OperatorPort}
          data             {options.DataDirectory}
          tenant           {options.Tenant}

        A token for tenant {options.Tenant}:
          curl -s -X POST {issuer}oauth/token -d grant_type=client_credentials -d tenant={options.Tenant}
        A kubeconfig:
          curl -s '{issuer}kubeconfig?tenant={options.Tenant}' > {options.Tenant}.kubeconfig
          kubectl --kubeconfig {options.Tenant}.kubeconfig get apps

        """);
    try
    {
        await Task.Delay(Timeout.Infinite, stop.Token);
    }
    catch (OperationCanceledException)
    {
        Console.WriteLine("Stopping AeroGrid...");
    }
}
return 0;

static string[] PipOptions(AppHostOptions options) =>
[
    .. options.PipIndexUrl.Length > 0 ? new[] { "--Operator:Local:PipIndexUrl", options.PipIndexUrl } : [],
    .. options.PipFindLinks.Length > 0 ? new[] { "--Operator:Local:PipFindLinks:0", options.PipFindLinks, "--Operator:Local:PipNoIndex", "true" } : [],
];
