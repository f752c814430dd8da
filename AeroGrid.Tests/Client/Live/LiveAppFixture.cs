using System.Diagnostics;
using AeroGrid.Api.Resources;
using AeroGrid.Tests.Gateway;
using AeroGrid.Tests.Infrastructure;

namespace AeroGrid.Tests.Client.Live;

/// <summary>
/// A real Python app on the repository's SDK (a grid <c>items</c>, a topic <c>chat</c>) behind the real gateway and
/// control plane, deployed as <c>acme/live</c>. The app runs as <c>python -m aerogrid</c>, as the Operator runs it.
/// </summary>
public sealed class LiveAppFixture : IAsyncLifetime
{
    private const string AppSource = """
        from aerogrid import App, Record

        class Item(Record):
            id: str
            qty: int = 0

        app = App("live")
        items = app.Grid("items", Item)
        items.upsert(Item(id="a", qty=1))
        chat = app.topic("chat")

        @app.get("/")
        def index():
            return "live"  # the gateway fixture waits for an answer other than 404 here

        @app.post("/items/{key}")
        def put(key, request):
            return {"version": items.upsert(Item(id=key, qty=int(request.query.get("qty", "0"))))}

        @app.delete("/items/{key}")
        def delete(key):
            return {"deleted": items.delete(key)}

        @app.post("/churn")
        def churn(request):
            for n in range(int(request.query["n"])):
                items.upsert(Item(id="churn", qty=n))
            return {"version": items.version}

        @app.post("/chat")
        def say(request):
            return {"sequence": chat.publish(request.json())}
        """;

    private readonly string _folder = Directory.CreateTempSubdirectory("aerogrid-live-").FullName;
    private readonly int _port = ServiceProcess.FreePort();
    private Process? _app;

    public GatewayFixture Gateway { get; } = new();

    public async ValueTask InitializeAsync()
    {
        await Gateway.InitializeAsync();
        File.WriteAllText(Path.Combine(_folder, "app.py"), AppSource);
        var start = new ProcessStartInfo("python3", ["-m", "aerogrid", "app.py"]) { WorkingDirectory = _folder, UseShellExecute = false };
        start.Environment["PYTHONPATH"] = Path.Combine(RepoPaths.Root, "python");
        start.Environment["PORT"] = _port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["PYTHONDONTWRITEBYTECODE"] = "1";
        _app = Process.Start(start)!;
        using var http = new HttpClient();
        await Eventually.TrueAsync(async () =>
        {
            try
            {
                using var response = await http.GetAsync(new Uri($"http://127.0.0.1:{_port}/healthz"));
                return response.IsSuccessStatusCode;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(15), () => "the Python app serves");
        await Gateway.DeployAsync("acme", "live", AppPhase.Running, $"http://127.0.0.1:{_port}");
    }

    /// <summary>Calls the app through the gateway as a developer of acme.</summary>
    public async Task<string> PostAsync(string path)
    {
        using var http = Gateway.Client(await Gateway.TokenAsync("acme", "apps:invoke"));
        using var response = await http.PostAsync(new Uri($"/apps/acme/live{path}", UriKind.Relative), new StringContent("{}"));
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsStringAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            _app.Kill(entireProcessTree: true);
            await _app.WaitForExitAsync();
            _app.Dispose();
        }
        await Gateway.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }
}
