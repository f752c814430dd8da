using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;

namespace AeroGrid.ServiceDefaults.Metrics;

/// <summary>
/// The <c>/metrics</c> endpoint: each scrape collects the meter provider's current values and answers
/// in the Prometheus text exposition format 0.0.4.
/// </summary>
/// <remarks>
/// This folder exists only because <c>OpenTelemetry.Exporter.Prometheus.AspNetCore</c> is missing from the
/// NuGet mirror these machines use (../shared/ENVIRONMENT.md, "Package registries"). When that package can be
/// restored, replace the folder with its <c>AddPrometheusExporter()</c> and <c>MapPrometheusScrapingEndpoint()</c>.
/// </remarks>
internal sealed partial class PrometheusScrapeEndpoint : IDisposable
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    private const int CollectTimeoutMilliseconds = 10_000;

    private readonly PrometheusTextExporter _exporter = new();
    // MetricReader.Collect merges concurrent calls into one export, which would hand the text to only one
    // of two simultaneous scrapes; one scrape at a time keeps "collect, then read the text" consistent.
    private readonly SemaphoreSlim _oneScrapeAtATime = new(1, 1);
    private readonly ILogger<PrometheusScrapeEndpoint> _logger;

    public PrometheusScrapeEndpoint(ILogger<PrometheusScrapeEndpoint> logger)
    {
        _logger = logger;
        Reader = new BaseExportingMetricReader(_exporter);
    }

    /// <summary>The reader to add to the meter provider. It owns the exporter.</summary>
    public MetricReader Reader { get; }

    public async Task HandleAsync(HttpContext context)
    {
        string? text;
        await _oneScrapeAtATime.WaitAsync(context.RequestAborted);
        try
        {
            text = Reader.Collect(CollectTimeoutMilliseconds) ? _exporter.Text : null;
        }
        finally
        {
            _oneScrapeAtATime.Release();
        }

        if (text is null)
        {
            LogCollectFailed(_logger, CollectTimeoutMilliseconds);
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return;
        }
        context.Response.ContentType = ContentType;
        await context.Response.WriteAsync(text, context.RequestAborted);
    }

    // The meter provider disposes its readers too; a reader ignores the second call. Disposing here covers a
    // host that stops before the meter provider was ever built.
    public void Dispose()
    {
        Reader.Dispose();
        _oneScrapeAtATime.Dispose();
    }

    [LoggerMessage(EventId = 1001, Level = LogLevel.Warning,
        Message = "Collecting metrics for a Prometheus scrape failed or took longer than {TimeoutMilliseconds} ms; answering 503")]
    private static partial void LogCollectFailed(ILogger logger, int timeoutMilliseconds);
}
