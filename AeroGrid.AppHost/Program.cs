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
    .. options.Tenants.SelectMany((tenant, i) => new[] { $"--ControlPlane:Tenants:{i}", tenant }),
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
var gateway = new Component("gateway", "AeroGrid.Gateway", new($"http://127.0.0.1:{options.GatewayPort}/health"),
[
    "--urls", $"http://127.0.0.1:{options.GatewayPort}", .. auth,
    "--Gateway:ApiServer", api, "--Gateway:TokenEndpoint", $"{issuer}oauth/token",
]);
var portalUrl = $"http://127.0.0.1:{options.PortalPort}";
var portal = new Component("portal", "AeroGrid.Portal", new($"{portalUrl}/health"),
[
    "--urls", portalUrl, .. auth,
    "--Portal:ApiServer", api, "--Portal:Gateway", $"http://127.0.0.1:{options.GatewayPort}",
]);
var tenant = options.Tenants[0];

await using (controlPlane)
await using (@operator)
await using (gateway)
await using (portal)
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
    gateway.Start();
    portal.Start();
    await Task.WhenAll(
        @operator.WaitHealthyAsync(TimeSpan.FromSeconds(60)),
        gateway.WaitHealthyAsync(TimeSpan.FromSeconds(60)),
        portal.WaitHealthyAsync(TimeSpan.FromSeconds(60)));

    Console.WriteLine($"""

        AeroGrid is running (Ctrl+C stops everything it started).
          Portal           {portalUrl}   <- open this in a browser
          API (HTTP)       {api}
          API for kubectl  https://127.0.0.1:{options.ApiHttpsPort}
          operator         http://127.0.0.1:{options.OperatorPort}
          gateway          http://127.0.0.1:{options.GatewayPort}/apps/<tenant>/<app>/...
          data             {options.DataDirectory}
          tenants          {string.Join(", ", options.Tenants)}

        A token for tenant {tenant}:
          curl -s -X POST {issuer}oauth/token -d grant_type=client_credentials -d tenant={tenant}
        A kubeconfig:
          curl -s '{issuer}kubeconfig?tenant={tenant}' > {tenant}.kubeconfig
          kubectl --kubeconfig {tenant}.kubeconfig get apps
        Call an app:
          curl -H "Authorization: Bearer $TOKEN" http://127.0.0.1:{options.GatewayPort}/apps/{tenant}/<app>/

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
