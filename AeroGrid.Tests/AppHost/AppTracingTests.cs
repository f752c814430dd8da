using System.Diagnostics;
using AeroGrid.Tests.Infrastructure;

namespace AeroGrid.Tests.AppHost;

/// <summary>A call through the gateway is one trace from the caller through the gateway into the Python app.</summary>
[Collection(PlatformGroup.Name)]
public sealed class AppTracingTests(PlatformFixture platform)
{
    [Fact]
    public async Task A_gateway_call_with_a_traceparent_is_one_trace_holding_the_gateways_span_and_the_apps()
    {
        await platform.CreateAppAsync("demo", "spans", "spans");
        await platform.AnswersAsync("demo", "spans", "spans");

        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        using var gateway = await platform.GatewayAsync("demo");
        using (var request = new HttpRequestMessage(HttpMethod.Get, "/apps/demo/spans/"))
        {
            request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom().ToHexString()}-01");
            using var response = await gateway.SendAsync(request, TestContext.Current.CancellationToken);
            response.EnsureSuccessStatusCode();
        }

        using var dashboard = new DashboardTelemetry(platform);
        var trace = new List<(string Service, System.Text.Json.Nodes.JsonObject Span)>();
        await Eventually.TrueAsync(async () =>
        {
            trace = await dashboard.TraceAsync(traceId);
            return trace.Any(s => s.Service == "gateway") && trace.Any(s => s.Service == "spans.demo");
        }, TimeSpan.FromSeconds(30), () => $"trace {traceId} never held spans of both the gateway and the app, only of [{string.Join(", ", trace.Select(s => s.Service).Distinct())}]; the app's log:\n{AppLog()}");

        var app = trace.Single(s => s.Service == "spans.demo").Span;
        Assert.Equal("GET /", (string?)app["name"]);
        // The app's span is a child of one of the gateway's: the trace goes on, not beside.
        var gatewaySpans = trace.Where(s => s.Service == "gateway").Select(s => (string?)s.Span["spanId"]).ToHashSet();
        Assert.Contains((string?)app["parentSpanId"], gatewaySpans);
    }

    // The SDK says on stderr, into the app's log, why it drops spans.
    private string AppLog() => string.Join('\n', Directory.EnumerateFiles(Path.Combine(platform.DataDirectory, "operator", "apps", "demo", "spans"), "*.log")
        .Select(File.ReadAllText));
}
