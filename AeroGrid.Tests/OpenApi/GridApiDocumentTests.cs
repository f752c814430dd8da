using System.Diagnostics;
using System.Text.Json.Nodes;
using AeroGrid.Tests.Infrastructure;
using NJsonSchema;

namespace AeroGrid.Tests.OpenApi;

/// <summary>
/// <c>openapi/gateway-apps.json</c> is hand-written (it documents the Python SDK), so a real app built on the SDK is run
/// and every answer, events included, is validated against the schema the document gives for it.
/// </summary>
public sealed class GridApiDocumentTests : IAsyncLifetime
{
    private const string App = """
        from aerogrid import App, Record, Request

        class Item(Record):
            id: str
            qty: int = 0
            price: float = 0.0

        app = App("shapes")
        items = app.Grid("items", Item, key="id")
        items.upsert(Item(id="a", qty=1, price=2.5))
        news = app.topic("news")

        @app.post("/change")
        def change(request: Request) -> None:
            items.upsert(Item(id="b", qty=2))
            items.delete("a")
            news.publish({"text": "hello", "n": 1})
        """;

    private readonly string _folder = Directory.CreateTempSubdirectory("aerogrid-shapes-").FullName;
    private readonly int _port = ServiceProcess.FreePort();
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private Process? _app;
    private JsonObject _schemas = [];

    public async ValueTask InitializeAsync()
    {
        var document = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(RepoPaths.Root, "openapi", "gateway-apps.json")))!;
        _schemas = document["components"]!["schemas"]!.AsObject();
        await File.WriteAllTextAsync(Path.Combine(_folder, "app.py"), App);
        var start = new ProcessStartInfo("python3", ["-m", "aerogrid", "app.py"]) { WorkingDirectory = _folder, UseShellExecute = false };
        start.Environment["PYTHONPATH"] = Path.Combine(RepoPaths.Root, "python");
        start.Environment["PORT"] = _port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["PYTHONDONTWRITEBYTECODE"] = "1";
        _app = Process.Start(start);
        _http.BaseAddress = new Uri($"http://127.0.0.1:{_port}");
        await Eventually.TrueAsync(async () =>
        {
            try
            {
                return (await _http.GetAsync("/healthz")).IsSuccessStatusCode;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(20), () => "the app serves /healthz");
    }

    [Fact]
    public async Task Listings_snapshots_and_errors_have_the_documented_shapes()
    {
        await AssertShapeAsync("/grids", "GridList");
        await AssertShapeAsync("/grids/items", "GridSnapshot");
        await AssertShapeAsync("/topics", "TopicList");
        await AssertShapeAsync("/grids/nope", "Error", expectedStatus: 404);
        await AssertShapeAsync("/topics/nope/events", "Error", expectedStatus: 404);
    }

    [Fact]
    public async Task Grid_and_topic_events_have_the_documented_shapes()
    {
        var cancellation = TestContext.Current.CancellationToken;
        using var grid = await _http.GetStreamAsync("/grids/items/events", cancellation);
        using var topic = await _http.GetStreamAsync("/topics/news/events", cancellation);
        using var gridEvents = new StreamReader(grid);
        using var topicEvents = new StreamReader(topic);

        var (name, data) = await NextEventAsync(gridEvents);
        Assert.Equal("snapshot", name);
        await AssertValidAsync("GridSnapshot", data);
        (await _http.PostAsync("/change", null, cancellation)).EnsureSuccessStatusCode();

        (name, data) = await NextEventAsync(gridEvents);
        Assert.Equal("upsert", name);
        await AssertValidAsync("GridUpsert", data);
        (name, data) = await NextEventAsync(gridEvents);
        Assert.Equal("delete", name);
        await AssertValidAsync("GridDelete", data);
        (name, data) = await NextEventAsync(topicEvents);
        Assert.Null(name);
        Assert.Equal("hello", JsonNode.Parse(data)!["text"]!.GetValue<string>());
    }

    private async Task AssertShapeAsync(string path, string schema, int expectedStatus = 200)
    {
        using var response = await _http.GetAsync(path, TestContext.Current.CancellationToken);
        Assert.Equal(expectedStatus, (int)response.StatusCode);
        await AssertValidAsync(schema, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    /// <summary>Validates against one schema of the document, its references resolved within the document.</summary>
    private async Task AssertValidAsync(string schemaName, string json)
    {
        // NJsonSchema resolves references into "definitions" (JSON Schema draft 4), not into OpenAPI's components.
        var root = _schemas[schemaName]!.DeepClone().AsObject();
        root["definitions"] = _schemas.DeepClone();
        var text = root.ToJsonString().Replace("#/components/schemas/", "#/definitions/", StringComparison.Ordinal);
        var schema = await JsonSchema.FromJsonAsync(text, TestContext.Current.CancellationToken);
        var errors = schema.Validate(json);
        Assert.True(errors.Count == 0, $"{json}\ndoes not match {schemaName}: {string.Join("; ", errors.Select(e => $"{e.Path}: {e.Kind}"))}");
    }

    /// <summary>The next Server-Sent Event's name (null when it has none) and data, skipping comments.</summary>
    private static async Task<(string? Name, string Data)> NextEventAsync(StreamReader reader)
    {
        string? name = null;
        string? data = null;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(15));
        while (await reader.ReadLineAsync(timeout.Token) is { } line)
        {
            if (line.Length == 0 && data is not null)
            {
                return (name, data);
            }
            if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                name = line["event: ".Length..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                data = line["data: ".Length..];
            }
        }
        throw new InvalidOperationException("the event stream ended");
    }

    public ValueTask DisposeAsync()
    {
        _app?.Kill(entireProcessTree: true);
        _app?.Dispose();
        _http.Dispose();
        Directory.Delete(_folder, recursive: true);
        return ValueTask.CompletedTask;
    }
}
