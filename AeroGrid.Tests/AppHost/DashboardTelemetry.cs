using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace AeroGrid.Tests.AppHost;

/// <summary>The Aspire dashboard's telemetry API (<c>/api/telemetry</c>), as a test reads what services sent it over OTLP.</summary>
internal sealed class DashboardTelemetry(PlatformFixture platform) : IDisposable
{
    private readonly HttpClient _http = Client(platform);

    /// <summary>The spans of one trace, each with the <c>service.name</c> of the resource that sent it.</summary>
    public async Task<List<(string Service, JsonObject Span)>> TraceAsync(string traceId)
    {
        // OTLP JSON inside the API's envelope: {"data": {"resourceSpans": [...]}, "totalCount": n, ...}.
        var body = await _http.GetFromJsonAsync<JsonObject>($"/api/telemetry/spans?traceId={traceId}", TestContext.Current.CancellationToken);
        var spans = new List<(string, JsonObject)>();
        foreach (var resourceSpans in body?["data"]?["resourceSpans"]?.AsArray() ?? [])
        {
            var service = (string?)resourceSpans!["resource"]?["attributes"]?.AsArray()
                .FirstOrDefault(attribute => (string?)attribute!["key"] == "service.name")?["value"]?["stringValue"] ?? "";
            spans.AddRange((resourceSpans["scopeSpans"]?.AsArray() ?? [])
                .SelectMany(scope => scope!["spans"]?.AsArray() ?? [])
                .OfType<JsonObject>()
                .Select(span => (service, span)));
        }
        return spans;
    }

    private static HttpClient Client(PlatformFixture platform)
    {
        var http = new HttpClient { BaseAddress = new(platform.DashboardLogin.GetLeftPart(UriPartial.Authority)) };
        http.DefaultRequestHeaders.Add("X-API-Key", platform.DashboardApiKey);
        return http;
    }

    public void Dispose() => _http.Dispose();
}
