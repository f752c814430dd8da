using System.Net.Http.Json;
using System.Text.Json.Nodes;
using AeroGrid.Tests.Infrastructure;

namespace AeroGrid.Tests.AppHost;

/// <summary>What the services send the Aspire dashboard over OTLP, read back through the dashboard's telemetry API.</summary>
[Collection(PlatformGroup.Name)]
public sealed class TelemetryTests(PlatformFixture platform)
{
    /// <summary>
    /// Export is best effort by design: an OTLP batch the dashboard does not take within the exporter's timeout is
    /// dropped, which a loaded two-core machine sometimes makes happen (a service's spans, or all of them, missing).
    /// So an incomplete trace is tried again with a fresh trace id; broken propagation fails every try.
    /// </summary>
    private const int Attempts = 3;

    [Fact]
    public async Task A_log_request_is_one_trace_across_the_control_plane_and_the_operator_and_a_gateway_call_is_traced()
    {
        await platform.CreateAppAsync("demo", "traced", "traced");
        await platform.AnswersAsync("demo", "traced", "traced");
        using var api = await platform.ApiAsync("demo");
        using var dashboard = new HttpClient { BaseAddress = new(platform.DashboardLogin.GetLeftPart(UriPartial.Authority)) };
        dashboard.DefaultRequestHeaders.Add("X-API-Key", platform.DashboardApiKey);

        var tries = new List<string>();
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            // kubectl logs: the control plane forwards the log subresource to the Operator, which has the files.
            var traceId = System.Diagnostics.ActivityTraceId.CreateRandom().ToHexString();
            using (var request = new HttpRequestMessage(HttpMethod.Get, $"{PlatformFixture.AppsPath("demo")}/traced/log"))
            {
                request.Headers.Add("traceparent", $"00-{traceId}-{System.Diagnostics.ActivitySpanId.CreateRandom().ToHexString()}-01");
                using var response = await api.SendAsync(request, TestContext.Current.CancellationToken);
                response.EnsureSuccessStatusCode();
            }
            var seen = await ServicesInTraceAsync(dashboard, traceId, TimeSpan.FromSeconds(20));
            if (seen.Contains("control-plane") && seen.Contains("operator"))
            {
                break;
            }
            tries.Add($"{traceId}: [{string.Join(", ", seen)}]");
            Assert.True(attempt < Attempts - 1, $"no trace held spans of both the control plane and the operator; each held those of {string.Join("; ", tries)}");
        }

        using var gateway = await platform.GatewayAsync("demo");
        (await gateway.GetAsync("/apps/demo/traced/", TestContext.Current.CancellationToken)).EnsureSuccessStatusCode();
        await Eventually.TrueAsync(async () => (await SpansAsync(dashboard, "resource=gateway")).Any(span => ((string?)span["name"])?.Contains("/apps/", StringComparison.Ordinal) == true || span.ToJsonString().Contains("/apps/demo/traced", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(30), () => "no span of the gateway for the app call");
    }

    /// <summary>
    /// The services that sent spans of a trace, once both expected ones did or the time is up; polled twice a second,
    /// since each query scans the dashboard's whole trace store.
    /// </summary>
    private static async Task<HashSet<string>> ServicesInTraceAsync(HttpClient dashboard, string traceId, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        var services = new HashSet<string>(StringComparer.Ordinal);
        while (DateTime.UtcNow < deadline && !(services.Contains("control-plane") && services.Contains("operator")))
        {
            await Task.Delay(500, TestContext.Current.CancellationToken);
            services = await ServicesOfAsync(dashboard, traceId);
        }
        return services;
    }

    private static async Task<HashSet<string>> ServicesOfAsync(HttpClient dashboard, string traceId)
    {
        var services = new HashSet<string>(StringComparer.Ordinal);
        // OTLP JSON inside the API's envelope: {"data": {"resourceSpans": [...]}, "totalCount": n, ...}.
        var body = await dashboard.GetFromJsonAsync<JsonObject>($"/api/telemetry/spans?traceId={traceId}");
        foreach (var resourceSpans in body?["data"]?["resourceSpans"]?.AsArray() ?? [])
        {
            var name = resourceSpans!["resource"]?["attributes"]?.AsArray()
                .FirstOrDefault(attribute => (string?)attribute!["key"] == "service.name")?["value"]?["stringValue"];
            if (name is not null && resourceSpans["scopeSpans"]?.AsArray().Any(scope => scope!["spans"]?.AsArray().Count > 0) == true)
            {
                services.Add((string)name!);
            }
        }
        return services;
    }

    private static async Task<List<JsonObject>> SpansAsync(HttpClient dashboard, string query)
    {
        var body = await dashboard.GetFromJsonAsync<JsonObject>($"/api/telemetry/spans?{query}");
        return [.. (body?["data"]?["resourceSpans"]?.AsArray() ?? [])
            .SelectMany(resourceSpans => resourceSpans!["scopeSpans"]?.AsArray() ?? [])
            .SelectMany(scope => scope!["spans"]?.AsArray() ?? [])
            .OfType<JsonObject>()];
    }
}
