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

        using var gateway = await platform.GatewayAsync("demo");
        using var dashboard = new DashboardTelemetry(platform);
        var trace = await dashboard.TracedCallAsync(async traceparent =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/apps/demo/spans/");
            request.Headers.Add("traceparent", traceparent);
            using var response = await gateway.SendAsync(request, TestContext.Current.CancellationToken);
            response.EnsureSuccessStatusCode();
        }, "gateway", "spans.demo");

        var app = trace.Single(s => s.Service == "spans.demo").Span;
        Assert.Equal("GET /", (string?)app["name"]);
        // The app's span is a child of one of the gateway's: the trace goes on, not beside.
        var gatewaySpans = trace.Where(s => s.Service == "gateway").Select(s => (string?)s.Span["spanId"]).ToHashSet();
        Assert.Contains((string?)app["parentSpanId"], gatewaySpans);
    }

}
