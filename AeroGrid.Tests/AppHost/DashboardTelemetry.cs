using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace AeroGrid.Tests.AppHost;

/// <summary>The Aspire dashboard's telemetry API (<c>/api/telemetry</c>), as a test reads what services sent it over OTLP.</summary>
internal sealed class DashboardTelemetry(PlatformFixture platform) : IDisposable
{
    /// <summary>
    /// Export is best effort by design: an OTLP batch the dashboard does not take within the exporter's timeout is
    /// dropped, which a loaded two-core machine sometimes makes happen (a service's spans, or all of them, missing).
    /// So an incomplete trace is tried again with a fresh trace id; broken propagation fails every try.
    /// </summary>
    private const int Attempts = 3;

    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(20);

    private readonly HttpClient _http = Client(platform);

    /// <summary>
    /// Makes <paramref name="call"/> (given the <c>traceparent</c> to send) until one of its traces holds spans of every
    /// one of <paramref name="services"/>, and returns that trace; fails after <see cref="Attempts"/> tries.
    /// </summary>
    public async Task<List<(string Service, JsonObject Span)>> TracedCallAsync(Func<string, Task> call, params string[] services)
    {
        var tries = new List<string>();
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            var traceId = System.Diagnostics.ActivityTraceId.CreateRandom().ToHexString();
            await call($"00-{traceId}-{System.Diagnostics.ActivitySpanId.CreateRandom().ToHexString()}-01");
            var deadline = DateTime.UtcNow + AttemptTimeout;
            var trace = new List<(string Service, JsonObject Span)>();
            while (DateTime.UtcNow < deadline)
            {
                // Polled twice a second: each query scans the dashboard's whole trace store.
                await Task.Delay(500, TestContext.Current.CancellationToken);
                trace = await TraceAsync(traceId);
                if (services.All(service => trace.Any(span => span.Service == service)))
                {
                    return trace;
                }
            }
            tries.Add($"{traceId}: [{string.Join(", ", trace.Select(span => span.Service).Distinct())}]");
        }
        throw new Xunit.Sdk.XunitException(
            $"no trace held spans of all of [{string.Join(", ", services)}]; each held those of {string.Join("; ", tries)}; " +
            $"the dashboard's newest spans: {await NewestSpansAsync(services)}");
    }

    /// <summary>
    /// How many of each service's spans the dashboard holds and when the newest began: tells a service that stopped
    /// exporting altogether from one whose spans of a trace were dropped.
    /// </summary>
    private async Task<string> NewestSpansAsync(IEnumerable<string> services)
    {
        var seen = new List<string>();
        foreach (var service in services)
        {
            List<JsonObject> spans;
            try
            {
                spans = await SpansAsync($"resource={Uri.EscapeDataString(service)}");
            }
            catch (HttpRequestException e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound)
            {
                seen.Add($"{service}: no such resource");
                continue;
            }
            var newest = spans.Select(span => span["startTimeUnixNano"]?.ToString()).Max(StringComparer.Ordinal);
            var began = newest is { Length: > 6 } nanos
                ? $"{DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(nanos[..^6], CultureInfo.InvariantCulture)):HH:mm:ss.fff}"
                : "never";
            seen.Add($"{service} {spans.Count} (newest began {began})");
        }
        return $"{string.Join(", ", seen)}, at {DateTimeOffset.UtcNow:HH:mm:ss.fff}";
    }

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

    /// <summary>The most recent spans (the API's default limit) matching a query such as <c>resource=gateway</c>.</summary>
    public async Task<List<JsonObject>> SpansAsync(string query)
    {
        var body = await _http.GetFromJsonAsync<JsonObject>($"/api/telemetry/spans?{query}", TestContext.Current.CancellationToken);
        return [.. (body?["data"]?["resourceSpans"]?.AsArray() ?? [])
            .SelectMany(resourceSpans => resourceSpans!["scopeSpans"]?.AsArray() ?? [])
            .SelectMany(scope => scope!["spans"]?.AsArray() ?? [])
            .OfType<JsonObject>()];
    }

    private static HttpClient Client(PlatformFixture platform)
    {
        var http = new HttpClient { BaseAddress = new(platform.DashboardLogin.GetLeftPart(UriPartial.Authority)) };
        http.DefaultRequestHeaders.Add("X-API-Key", platform.DashboardApiKey);
        return http;
    }

    public void Dispose() => _http.Dispose();
}
