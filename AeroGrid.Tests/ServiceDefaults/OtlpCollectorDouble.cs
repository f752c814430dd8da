using System.Collections.Concurrent;
using AeroGrid.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace AeroGrid.Tests.ServiceDefaults;

/// <summary>
/// Test double for the OpenTelemetry Collector, which cannot run on these machines: an OTLP/HTTP receiver on
/// Kestrel that accepts protobuf POSTs to <c>/v1/traces</c>, <c>/v1/metrics</c> and <c>/v1/logs</c>, answers
/// with an empty (fully successful) export response and keeps every request for assertions.
/// </summary>
public sealed class OtlpCollectorDouble : IAsyncDisposable
{
    private const string Protobuf = "application/x-protobuf";

    private readonly ConcurrentQueue<OtlpExport> _received = new();
    private readonly WebApplication _app;

    private OtlpCollectorDouble(WebApplication app) => _app = app;

    /// <summary>The base address, as <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> takes it.</summary>
    public Uri Endpoint => _app.BoundAddress();

    public IReadOnlyList<OtlpExport> Received(string signal) => [.. _received.Where(e => e.Signal == signal)];

    public static async Task<OtlpCollectorDouble> StartAsync(CancellationToken cancellationToken)
    {
        var collector = new OtlpCollectorDouble(LoopbackKestrel.CreateBuilder().Build());
        foreach (var signal in (string[])["traces", "metrics", "logs"])
        {
            collector._app.MapPost($"/v1/{signal}", (HttpContext context) => collector.ReceiveAsync(signal, context));
        }
        await collector._app.StartAsync(cancellationToken);
        return collector;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task ReceiveAsync(string signal, HttpContext context)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted);
        _received.Enqueue(new OtlpExport(signal, context.Request.ContentType, body.ToArray()));
        context.Response.ContentType = Protobuf;
    }
}
