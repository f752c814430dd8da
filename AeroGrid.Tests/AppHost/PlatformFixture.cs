using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using AeroGrid.Tests.Infrastructure;
using AeroGrid.Tests.Portal;
using Aspire.Hosting;
using Aspire.Hosting.Testing;
using Microsoft.Playwright;

namespace AeroGrid.Tests.AppHost;

/// <summary>
/// The whole platform started once from the real AppHost with Aspire.Hosting.Testing (tenants <c>demo</c> and
/// <c>other</c>, the dashboard on), and the machine's Chromium driven by Playwright, shared by every test of the whole
/// platform. Each browser test signs in with a browser context of its own.
/// </summary>
public sealed class PlatformFixture : IAsyncLifetime
{
    /// <summary>The services the AppHost starts, each waited for until healthy.</summary>
    public static readonly string[] Services = ["control-plane", "operator", "gateway", "portal"];

    private readonly int _apiPort = ServiceProcess.FreePort();
    private readonly int _gatewayPort = ServiceProcess.FreePort();
    private readonly int _portalPort = ServiceProcess.FreePort();
    private readonly string _data = Directory.CreateTempSubdirectory("aerogrid-platform-").FullName;
    private DistributedApplication? _app;
    private Uri? _dashboardLogin;
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public Uri Portal => new($"http://127.0.0.1:{_portalPort}");

    public Uri Api => new($"http://127.0.0.1:{_apiPort}");

    public Uri Gateway => new($"http://127.0.0.1:{_gatewayPort}");

    /// <summary>The dashboard's login address, with the browser token the AppHost made for this run.</summary>
    public Uri DashboardLogin => _dashboardLogin ?? throw new InvalidOperationException("the platform has not started");

    /// <summary>The key of the dashboard's telemetry API (<c>X-API-Key</c>) for this run.</summary>
    public string DashboardApiKey { get; } = Guid.NewGuid().ToString("N");

    /// <summary>Where the platform keeps its state; user apps' processes name it in their command line.</summary>
    public string DataDirectory => _data;

    /// <summary>The running AppHost: its resources, their notifications and commands, as the dashboard sees them.</summary>
    public DistributedApplication App => _app ?? throw new InvalidOperationException("the platform has not started");

    /// <summary>The one package apps can install: <c>import greeting_lib; greeting_lib.GREETING</c>.</summary>
    public const string Wheel = "greeting_lib";

    public static string Screenshots { get; } = Path.Combine(RepoPaths.Root, "artifacts", "screenshots");

    public async ValueTask InitializeAsync()
    {
        // Chromium starts while the platform comes up.
        var browser = LaunchBrowserAsync();
        // PyPI is out of reach: apps install from a wheel folder made here, as the AeroGrid:PipFindLinks setting allows.
        var wheels = Path.Combine(_data, "wheels");
        Wheelhouse.AddWheel(wheels, Wheel, "1.0", "GREETING = 'hello from a wheel'\n");
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AeroGrid_AppHost>(
            new DistributedApplicationTestingBuilderOptions { EnableDashboard = true },
            [
                $"--AeroGrid:DataDirectory={_data}", "--AeroGrid:Tenants=demo,other", $"--AeroGrid:PipFindLinks={wheels}",
                $"--AeroGrid:ApiPort={_apiPort}", $"--AeroGrid:ApiHttpsPort={ServiceProcess.FreePort()}", $"--AeroGrid:OperatorPort={ServiceProcess.FreePort()}",
                $"--AeroGrid:GatewayPort={_gatewayPort}", $"--AeroGrid:PortalPort={_portalPort}",
                // The dashboard's telemetry API answers with this key.
                $"--AppHost:DashboardApiKey={DashboardApiKey}",
            ],
            TestContext.Current.CancellationToken);
        _app = await builder.BuildAsync(TestContext.Current.CancellationToken);
        using var startup = new CancellationTokenSource(TimeSpan.FromSeconds(300)); // a loaded 2-core machine can take minutes
        try
        {
            await _app.StartAsync(startup.Token);
            foreach (var service in Services)
            {
                await _app.ResourceNotifications.WaitForResourceHealthyAsync(service, startup.Token);
            }
            _dashboardLogin = await _app.GetDashboardUrlAsync(startup.Token);
        }
        catch (OperationCanceledException e) when (startup.IsCancellationRequested)
        {
            throw new TimeoutException($"the platform did not start:\n{await PlatformDiagnostics.DescribeAsync(_app, Services)}", e);
        }
        _browser = await browser;
        // Two cores run the platform, Chromium and other test classes at once: give the page time.
        Assertions.SetDefaultExpectTimeout(15_000);
        Directory.CreateDirectory(Screenshots);
    }

    private async Task<IBrowser> LaunchBrowserAsync()
    {
        const string chromium = "/usr/bin/chromium";
        if (!File.Exists(chromium))
        {
            throw new InvalidOperationException($"The browser tests drive the machine's Chromium at {chromium}: apt-get install --no-install-recommends chromium (.ci/run does).");
        }
        _playwright = await Playwright.CreateAsync();
        return await _playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
    }

    /// <summary>
    /// A fresh browser (context) that opens <paramref name="path"/>, is sent to sign in, and chooses
    /// <paramref name="user"/> on the dev issuer's page, as a person would.
    /// </summary>
    public async Task<PortalPage> SignInAsync(string user, string path = "/", int width = 1366, int height = 800)
    {
        var context = await _browser!.NewContextAsync(new()
        {
            BaseURL = Portal.ToString(),
            ViewportSize = new() { Width = width, Height = height },
        });
        // The editor helper pastes code like a person does (see MonacoEditor).
        await context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"], new() { Origin = Portal.GetLeftPart(UriPartial.Authority) });
        context.SetDefaultTimeout(15_000);
        var page = await context.NewPageAsync();
        await page.GotoAsync(path);
        await page.GetByTestId("signin").ClickAsync();
        await page.Locator($"button[value='{user}']").ClickAsync();
        await Assertions.Expect(page.GetByTestId("user")).ToHaveTextAsync(user);
        return new PortalPage(context, page);
    }

    /// <summary>A browser signed in to the Aspire dashboard through its login address, as a person opening the printed link.</summary>
    public async Task<IBrowserContext> DashboardBrowserAsync()
    {
        var context = await _browser!.NewContextAsync(new() { BaseURL = DashboardLogin.GetLeftPart(UriPartial.Authority), ViewportSize = new() { Width = 1600, Height = 900 } });
        context.SetDefaultTimeout(30_000);
        return context;
    }

    /// <summary>A browser that has not signed in.</summary>
    public async Task<PortalPage> AnonymousAsync()
    {
        var context = await _browser!.NewContextAsync(new() { BaseURL = Portal.ToString(), ViewportSize = new() { Width = 1366, Height = 800 } });
        return new PortalPage(context, await context.NewPageAsync());
    }

    /// <summary>A token of <paramref name="tenant"/> from the dev issuer, as a script or another tool would get one.</summary>
    public Task<string> TokenAsync(string tenant) =>
        ControlPlaneFixture.IssueTokenAsync(new Uri(Api, "/dev-issuer/"), tenant, "apps:read", "apps:write", "apps:invoke");

    /// <summary>The API as a tool of <paramref name="tenant"/> (kubectl, a script) uses it, beside the Portal.</summary>
    public async Task<HttpClient> ApiAsync(string tenant) => WithToken(new HttpClient { BaseAddress = Api }, await TokenAsync(tenant));

    /// <summary>The gateway as a client of <paramref name="tenant"/>'s apps calls it.</summary>
    public async Task<HttpClient> GatewayAsync(string tenant) => WithToken(new HttpClient { BaseAddress = Gateway }, await TokenAsync(tenant));

    public static string AppsPath(string tenant) => $"/apis/aerogrid.io/v1alpha1/namespaces/{tenant}/apps";

    /// <summary>Creates an app through the API whose <c>GET /</c> answers <c>{"message": message}</c>.</summary>
    public Task CreateAppAsync(string tenant, string name, string message) => CreateAppAsync(tenant, name, AppFiles(message));

    /// <summary>Creates an app with <paramref name="files"/> through the API.</summary>
    public async Task CreateAppAsync(string tenant, string name, JsonArray files)
    {
        using var api = await ApiAsync(tenant);
        var (status, body) = await api.PostJsonAsync(AppsPath(tenant), new JsonObject
        {
            ["apiVersion"] = "aerogrid.io/v1alpha1",
            ["kind"] = "App",
            ["metadata"] = new JsonObject { ["name"] = name },
            ["spec"] = new JsonObject { ["files"] = files },
        });
        Assert.True(status == System.Net.HttpStatusCode.Created, $"creating {tenant}/{name}: {status} {body}");
    }

    /// <summary>Saves other files into an app through the API, as another person's tool would.</summary>
    public Task UpdateAppAsync(string tenant, string name, string message) => UpdateAppAsync(tenant, name, AppFiles(message));

    /// <summary>Saves <paramref name="files"/> into an app through the API.</summary>
    public async Task UpdateAppAsync(string tenant, string name, JsonArray files)
    {
        using var api = await ApiAsync(tenant);
        await Eventually.TrueAsync(async () =>
        {
            var (_, app) = await api.GetJsonAsync($"{AppsPath(tenant)}/{name}");
            app["spec"]!["files"] = files.DeepClone();
            // 409 when the Operator wrote the status in between: read again.
            return (await api.PutJsonAsync($"{AppsPath(tenant)}/{name}", app)).Status == System.Net.HttpStatusCode.OK;
        }, TimeSpan.FromSeconds(10), () => $"updating {tenant}/{name}");
    }

    /// <summary>The files of the repository's sample <paramref name="sample"/> (samples/), as an app's files.</summary>
    public static JsonArray SampleFiles(string sample) =>
    [
        .. Directory.GetFiles(Path.Combine(RepoPaths.Root, "samples", sample)).Where(f => !f.EndsWith(".yaml", StringComparison.Ordinal)).Order(StringComparer.Ordinal)
            .Select(f => new JsonObject { ["path"] = Path.GetFileName(f), ["content"] = File.ReadAllText(f) }),
    ];

    public static JsonArray AppFiles(string message) =>
    [
        new JsonObject { ["path"] = "app.py", ["content"] = AppCode(message) },
        new JsonObject { ["path"] = "requirements.txt", ["content"] = "" },
    ];

    public static string AppCode(string message) =>
        $"from aerogrid import App\n\napp = App()\n\n\n@app.get(\"/\")\ndef index() -> dict[str, str]:\n    return {{\"message\": \"{message}\"}}\n";

    /// <summary>Waits until the gateway answers <c>GET /apps/{tenant}/{app}/</c> with <paramref name="message"/>.</summary>
    public async Task AnswersAsync(string tenant, string app, string message)
    {
        using var gateway = await GatewayAsync(tenant);
        await Eventually.TrueAsync(async () =>
        {
            var (status, body) = await gateway.GetJsonAsync($"/apps/{tenant}/{app}/");
            return status == System.Net.HttpStatusCode.OK && body.Str("message") == message;
        }, TimeSpan.FromSeconds(60), () => $"{tenant}/{app} answering '{message}'");
    }

    /// <summary>A full-page screenshot kept as a test artifact: <c>artifacts/screenshots/{name}.png</c>.</summary>
    public static Task ScreenshotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new() { Path = Path.Combine(Screenshots, $"{name}.png"), FullPage = true });

    private static HttpClient WithToken(HttpClient http, string token)
    {
        http.Timeout = TimeSpan.FromSeconds(30);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }
        _playwright?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
        Directory.Delete(_data, recursive: true);
    }
}
