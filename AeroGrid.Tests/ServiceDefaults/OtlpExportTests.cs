using System.Diagnostics;
using System.Text;
using System.Text.Json;
using AeroGrid.Tests.Infrastructure;

namespace AeroGrid.Tests.ServiceDefaults;

[Collection(InProcessHostsGroup.Name)]
public sealed class OtlpExportTests(OtlpExportApp service) : IClassFixture<OtlpExportApp>
{
    private static readonly TimeSpan ExportTimeout = TimeSpan.FromSeconds(10);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private OtlpCollectorDouble Collector => service.Collector;

    [Fact]
    public async Task A_request_is_exported_as_a_trace_in_protobuf_under_the_service_name()
    {
        var traceId = await GetInNewTraceAsync($"{OtlpExportApp.Prefix}/ping");

        var export = await WaitForTraceAsync(traceId);

        Assert.Equal("application/x-protobuf", export.ContentType);
        Assert.True(export.Contains(Encoding.UTF8.GetBytes(OtlpExportApp.ServiceName)), "the resource names the service");
    }

    [Fact]
    public async Task Outgoing_HttpClient_calls_continue_the_incoming_trace_as_exported_client_spans()
    {
        var traceId = ActivityTraceId.CreateRandom();
        var callerSpanId = ActivitySpanId.CreateRandom();

        var relay = JsonSerializer.Deserialize<RelayResult>(
            await GetInTraceAsync($"{OtlpExportApp.Prefix}/relay", traceId, callerSpanId), JsonSerializerOptions.Web);

        Assert.NotNull(relay);
        var traceparent = relay.ForwardedTraceParent.Split('-');
        Assert.Equal(["00", traceId.ToHexString()], traceparent[..2]);
        Assert.Equal("01", traceparent[3]);
        // The call's parent is a span of its own inside the server span, not the caller's or the server's.
        Assert.NotEqual(callerSpanId.ToHexString(), traceparent[2]);
        Assert.NotEqual(relay.ServerSpanId, traceparent[2]);
        // Only the client span records the full URL it called (url.full); server spans carry the path.
        var calledUrl = Encoding.UTF8.GetBytes(new Uri(service.Client.BaseAddress!, $"{OtlpExportApp.Prefix}/echo-traceparent").ToString());
        await Eventually.GetAsync(
            () => Task.FromResult(Collector.Received("traces").FirstOrDefault(e => e.Contains(Bytes(traceId)) && e.Contains(calledUrl))),
            ExportTimeout, $"the HttpClient span of trace {traceId}");
    }

    [Fact]
    public async Task Metrics_are_exported()
    {
        await service.Client.GetStringAsync($"{OtlpExportApp.Prefix}/ping", Cancel);

        var instrument = Encoding.UTF8.GetBytes("http.server.request.duration");
        await Eventually.GetAsync(
            () => Task.FromResult(Collector.Received("metrics").FirstOrDefault(e => e.Contains(instrument))),
            ExportTimeout, "an OTLP metrics export with http.server.request.duration");
    }

    [Fact]
    public async Task Logs_are_exported()
    {
        var marker = Guid.NewGuid().ToString("N");

        await service.Client.GetStringAsync($"{OtlpExportApp.Prefix}/log/{marker}", Cancel);

        var bytes = Encoding.UTF8.GetBytes(marker);
        await Eventually.GetAsync(
            () => Task.FromResult(Collector.Received("logs").FirstOrDefault(e => e.Contains(bytes))),
            ExportTimeout, $"an OTLP logs export with marker {marker}");
    }

    [Fact]
    public async Task Health_probes_and_scrapes_leave_no_traces()
    {
        var probes = new List<ActivityTraceId>();
        foreach (var path in (string[])["/health", "/alive", "/metrics"])
        {
            probes.Add(await GetInNewTraceAsync(path));
        }

        // Spans are exported in the order they end, so once a later request's trace is out, the probes' would be too.
        await WaitForTraceAsync(await GetInNewTraceAsync($"{OtlpExportApp.Prefix}/ping"));

        var traces = Collector.Received("traces");
        Assert.All(probes, probe => Assert.DoesNotContain(traces, e => e.Contains(Bytes(probe))));
    }

    private async Task<ActivityTraceId> GetInNewTraceAsync(string path)
    {
        var traceId = ActivityTraceId.CreateRandom();
        await GetInTraceAsync(path, traceId, ActivitySpanId.CreateRandom());
        return traceId;
    }

    private async Task<string> GetInTraceAsync(string path, ActivityTraceId traceId, ActivitySpanId callerSpanId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("traceparent", $"00-{traceId}-{callerSpanId}-01");
        using var response = await service.Client.SendAsync(request, Cancel);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsStringAsync(Cancel);
    }

    private Task<OtlpExport> WaitForTraceAsync(ActivityTraceId traceId) =>
        Eventually.GetAsync(
            () => Task.FromResult(Collector.Received("traces").FirstOrDefault(e => e.Contains(Bytes(traceId)))),
            ExportTimeout, $"an OTLP traces export with trace {traceId}");

    private static byte[] Bytes(ActivityTraceId traceId)
    {
        var bytes = new byte[16];
        traceId.CopyTo(bytes);
        return bytes;
    }
}
