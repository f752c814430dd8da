using System.Globalization;
using AeroGrid.AppHost.Auth0;
using AeroGrid.AppHost.Dashboard;
using AeroGrid.AppHost.Hosting;
using AeroGrid.AppHost.Publish;
using AeroGrid.ServiceDefaults.Lifetime;
using Microsoft.Extensions.DependencyInjection;

var builder = DistributedApplication.CreateBuilder(args);
var settings = PlatformSettings.From(builder.Configuration, Environment.CurrentDirectory);
var api = LoopbackEndpoints.Url(settings.ApiPort);
var issuer = $"{api}/dev-issuer/";
var tokenEndpoint = $"{issuer}oauth/token";
var metricExportInterval = TimeSpan.FromSeconds(5);

// The control plane first: everything else reads and writes through its API and gets tokens from its issuer. The
// others wait only for it to start, not to be healthy: each retries the API until it answers (quietly, for a while),
// so the four `dotnet run` overlap instead of running in two rounds, which was a third of the platform's start.
var controlPlane = builder.AddProject<Projects.AeroGrid_ControlPlane>(PlatformResourceMirror.ControlPlane)
    .WithLoopbackHttpEndpoint(settings.ApiPort)
    .WithUrl(new Uri($"https://127.0.0.1:{settings.ApiHttpsPort}").ToString(), "API for kubectl")
    .WithEnvironment("Auth__Authority", issuer)
    .WithEnvironment("DevIssuer__Enabled", "true")
    .WithEnvironment("ControlPlane__HttpsPort", settings.ApiHttpsPort.ToString(CultureInfo.InvariantCulture))
    .WithEnvironment("ControlPlane__DataDirectory", Path.Combine(settings.DataDirectory, "control-plane"))
    .WithEnvironment("ControlPlane__LogsUrl", LoopbackEndpoints.Url(settings.OperatorPort))
    .WithTenants(settings.TenantList)
    .WithMetricExportInterval(metricExportInterval)
    .WithHttpHealthCheck("/readyz");

// The operator turns Apps into Python environments and processes on this machine.
var @operator = builder.AddProject<Projects.AeroGrid_Operator>("operator")
    .WithLoopbackHttpEndpoint(settings.OperatorPort)
    .WithReference(controlPlane).WaitForStart(controlPlane)
    .WithEnvironment("Auth__Authority", issuer)
    .WithEnvironment("Operator__ApiServer", api)
    .WithEnvironment("Operator__TokenEndpoint", tokenEndpoint)
    .WithEnvironment("Operator__Local__DataDirectory", Path.Combine(settings.DataDirectory, "operator"))
    .WithEnvironment("Operator__Local__SdkPath", Repository.PythonSdk)
    .WithPackageIndex(settings)
    .WithAppTelemetry()
    .WithMetricExportInterval(metricExportInterval)
    .WithHttpHealthCheck("/health");

// The gateway stands in for the Istio ingress: /apps/{tenant}/{app}/ to the serving revision, with the token checked.
var gateway = builder.AddProject<Projects.AeroGrid_Gateway>("gateway")
    .WithLoopbackHttpEndpoint(settings.GatewayPort)
    .WithReference(controlPlane).WaitForStart(controlPlane)
    .WithEnvironment("Auth__Authority", issuer)
    .WithEnvironment("Gateway__ApiServer", api)
    .WithEnvironment("Gateway__TokenEndpoint", tokenEndpoint)
    .WithMetricExportInterval(metricExportInterval)
    .WithHttpHealthCheck("/health");

// The Portal: sign in, edit, save, watch it run. It needs the API; the gateway only once someone calls an app.
var portal = builder.AddProject<Projects.AeroGrid_Portal>("portal")
    .WithLoopbackHttpEndpoint(settings.PortalPort)
    .WithReference(controlPlane).WaitForStart(controlPlane)
    .WithReference(gateway)
    .WithEnvironment("Auth__Authority", issuer)
    .WithEnvironment("Portal__ApiServer", api)
    .WithEnvironment("Portal__Gateway", LoopbackEndpoints.Url(settings.GatewayPort))
    .WithMetricExportInterval(metricExportInterval)
    .WithHttpHealthCheck("/health");

// A service that crashes is started again, with backoff.
builder.RestartOnCrash(controlPlane, @operator, gateway, portal);

// Every user App and Image as a dashboard resource of its own.
builder.AddPlatformResourceMirror(new(new(api), new(tokenEndpoint), new(LoopbackEndpoints.Url(settings.GatewayPort)), new(LoopbackEndpoints.Url(settings.PortalPort))));

builder.AddManifestPublishing();
// Not part of publish: run on its own (--step aerogrid-auth0), it makes the Auth0 tenant hold AeroGrid's identity.
builder.AddAuth0Provisioning();

// Started by a test run or a tool that passes its pid: stop, and so stop everything, when it is gone.
builder.Services.AddHostedService<ParentProcessWatcher>();

builder.Build().Run();
