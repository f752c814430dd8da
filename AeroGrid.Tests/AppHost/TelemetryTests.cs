using AeroGrid.Tests.Infrastructure;

namespace AeroGrid.Tests.AppHost;

/// <summary>What the services send the Aspire dashboard over OTLP, read back through the dashboard's telemetry API.</summary>
[Collection(PlatformGroup.Name)]
public sealed class TelemetryTests(PlatformFixture platform)
{
    [Fact]
    public async Task A_log_request_is_one_trace_across_the_control_plane_and_the_operator_and_a_gateway_call_is_traced()
    {
        await platform.CreateAppAsync("demo", "traced", "traced");
        await platform.AnswersAsync("demo", "traced", "traced");
        using var api = await platform.ApiAsync("demo");
        using var dashboard = new DashboardTelemetry(platform);

        // kubectl logs: the control plane forwards the log subresource to the Operator, which has the files.
        await dashboard.TracedCallAsync(async traceparent =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"{PlatformFixture.AppsPath("demo")}/traced/log");
            request.Headers.Add("traceparent", traceparent);
            using var response = await api.SendAsync(request, TestContext.Current.CancellationToken);
            response.EnsureSuccessStatusCode();
        }, "control-plane", "operator");

        using var gateway = await platform.GatewayAsync("demo");
        (await gateway.GetAsync("/apps/demo/traced/", TestContext.Current.CancellationToken)).EnsureSuccessStatusCode();
        await Eventually.TrueAsync(async () => (await dashboard.SpansAsync("resource=gateway")).Any(span => ((string?)span["name"])?.Contains("/apps/", StringComparison.Ordinal) == true || span.ToJsonString().Contains("/apps/demo/traced", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(30), () => "no span of the gateway for the app call");
    }
}
