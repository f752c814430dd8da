using System.Net;
using System.Net.Http.Headers;
using AeroGrid.Api.Client;
using AeroGrid.Api.Resources;
using AeroGrid.Tests.Infrastructure;

namespace AeroGrid.Tests.Gateway;

/// <summary>
/// The gateway as the AppHost runs it, shared by the tests of one class: the real control plane with the dev issuer, the
/// real gateway process watching it, and two stand-ins for tenants' apps. Apps are created through the API and their
/// status written as the Operator would, with endpoints pointing at the stand-ins. <c>acme/echo</c> exists from the start.
/// </summary>
public sealed class GatewayFixture : IAsyncLifetime
{
    /// <summary>The gateway follows the API through a watch: a change reaches its routes a moment later.</summary>
    public static readonly TimeSpan RouteTimeout = TimeSpan.FromSeconds(10);

    private readonly int _port = ServiceProcess.FreePort();
    private ServiceProcess? _gateway;
    private StandInApp? _first;
    private StandInApp? _second;
    private ApiClient? _api;
    private string? _adminToken;

    public ControlPlaneFixture ControlPlane { get; } = new();

    public Uri Url => new($"http://127.0.0.1:{_port}");

    internal StandInApp First => _first ?? throw new InvalidOperationException("not started");

    internal StandInApp Second => _second ?? throw new InvalidOperationException("not started");

    internal ServiceProcess Process => _gateway ?? throw new InvalidOperationException("not started");

    internal string AdminToken => _adminToken ?? throw new InvalidOperationException("not started");

    private ApiClient Api => _api ?? throw new InvalidOperationException("not started");

    public async ValueTask InitializeAsync()
    {
        await ControlPlane.InitializeAsync();
        _first = await StandInApp.StartAsync("first");
        _second = await StandInApp.StartAsync("second");
        _adminToken = await ControlPlane.AdminTokenAsync();
        _api = await ControlPlane.AdminApiAsync();
        _gateway = ServiceProcess.Start("AeroGrid.Gateway",
        [
            "--urls", Url.ToString(),
            "--Gateway:ApiServer", ControlPlane.Url.ToString(),
            "--Gateway:TokenEndpoint", new Uri(ControlPlane.Issuer, "oauth/token").ToString(),
            "--Auth:Authority", ControlPlane.Issuer.ToString(),
            // ASP.NET Core starts a request activity on its own while its hosting log is on; off, the trace test shows that
            // the gateway's tracing (ServiceDefaults) does.
            "--Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics", "None",
        ]);
        await _gateway.WaitHealthyAsync(new Uri(Url, "/health"));
        await DeployAsync("acme", "echo", AppPhase.Running, First.Address);
    }

    /// <summary>A token from the dev issuer, as in <see cref="ControlPlaneFixture.TokenAsync"/>.</summary>
    public Task<string> TokenAsync(string? tenant, params string[] permissions) => ControlPlane.TokenAsync(tenant, permissions);

    /// <summary>An HttpClient for the gateway with the given bearer token (none when null).</summary>
    public HttpClient Client(string? token)
    {
        var http = new HttpClient { BaseAddress = Url, Timeout = TimeSpan.FromSeconds(30) };
        if (token is not null)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        return http;
    }

    /// <summary>Creates the app and reports it in <paramref name="phase"/> with these ready processes; returns once the gateway routes it.</summary>
    public async Task DeployAsync(string tenant, string name, AppPhase phase, params string[] endpoints)
    {
        var app = await Api.Apps.CreateAsync(new App
        {
            Metadata = new() { Name = name, NamespaceProperty = tenant },
            Spec = new() { Files = [new() { Path = "app.py", Content = "print('a stand-in serves this app')" }] },
        });
        await WriteStatusAsync(app, phase, endpoints);
        using var http = Client(AdminToken);
        await Eventually.TrueAsync(async () =>
        {
            using var response = await http.GetAsync($"/apps/{tenant}/{name}");
            return response.StatusCode != HttpStatusCode.NotFound;
        }, RouteTimeout, () => $"the gateway routes {tenant}/{name}");
    }

    /// <summary>A rollout as the Operator reports it: the app's ready processes are now these.</summary>
    public async Task SetEndpointsAsync(string tenant, string name, params string[] endpoints) =>
        await WriteStatusAsync(await Api.Apps.GetAsync(tenant, name), AppPhase.Running, endpoints);

    public async ValueTask DisposeAsync()
    {
        if (_gateway is not null)
        {
            await _gateway.DisposeAsync();
        }
        foreach (var app in new[] { _first, _second })
        {
            if (app is not null)
            {
                await app.DisposeAsync();
            }
        }
        await ControlPlane.DisposeAsync();
    }

    private Task<App> WriteStatusAsync(App app, AppPhase phase, string[] endpoints) =>
        Api.Apps.UpdateStatusAsync(app with
        {
            Status = new AppStatus
            {
                Phase = phase,
                Url = $"/apps/{app.Metadata.NamespaceProperty}/{app.Metadata.Name}",
                ReadyReplicas = endpoints.Length,
                Endpoints = [.. endpoints],
            },
        });
}
