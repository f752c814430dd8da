using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AeroGrid.Tests.ServiceDefaults;

/// <summary>A service exporting to an <see cref="OtlpCollectorDouble"/>, with batch delays short enough for a test.</summary>
public sealed partial class OtlpExportApp : ServiceDefaultsApp
{
    public const string Prefix = "/otlp-test";
    public const string ServiceName = "otlp-export-test";

    private OtlpCollectorDouble? _collector;

    public OtlpCollectorDouble Collector => _collector ?? throw new InvalidOperationException("The app has not started");

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["OTEL_EXPORTER_OTLP_ENDPOINT"] = Collector.Endpoint.ToString(),
        ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
        ["OTEL_SERVICE_NAME"] = ServiceName,
        ["OTEL_BSP_SCHEDULE_DELAY"] = "100",
        ["OTEL_BLRP_SCHEDULE_DELAY"] = "100",
        ["OTEL_METRIC_EXPORT_INTERVAL"] = "200",
    };

    protected override void ConfigureServices(WebApplicationBuilder builder) => builder.Services.AddHttpClient();

    protected override void MapEndpoints(WebApplication app)
    {
        app.MapGet($"{Prefix}/ping", () => "pong");
        app.MapGet($"{Prefix}/echo-traceparent", (HttpRequest request) => request.Headers.TraceParent.ToString());
        // Calls back into the service over HttpClient and reports its own span and the traceparent the call carried.
        app.MapGet($"{Prefix}/relay", async (HttpContext context, IHttpClientFactory clients) =>
        {
            var serverSpan = context.Features.GetRequiredFeature<IHttpActivityFeature>().Activity;
            using var client = clients.CreateClient();
            var echo = new Uri($"{context.Request.Scheme}://{context.Request.Host}{Prefix}/echo-traceparent");
            var forwarded = await client.GetStringAsync(echo, context.RequestAborted);
            return new RelayResult(serverSpan.SpanId.ToHexString(), forwarded);
        });
        app.MapGet($"{Prefix}/log/{{marker}}", (string marker, ILogger<OtlpExportApp> logger) =>
        {
            LogMarker(logger, marker);
            return "logged";
        });
    }

    public override async ValueTask InitializeAsync()
    {
        _collector = await OtlpCollectorDouble.StartAsync(TestContext.Current.CancellationToken);
        await base.InitializeAsync();
    }

    public override async ValueTask DisposeAsync()
    {
        // The app flushes its exporters as it stops, so the collector goes last.
        await base.DisposeAsync();
        if (_collector is not null)
        {
            await _collector.DisposeAsync();
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Test marker {Marker}")]
    private static partial void LogMarker(ILogger logger, string marker);
}
