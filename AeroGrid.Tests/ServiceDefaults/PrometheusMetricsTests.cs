using AeroGrid.Tests.Infrastructure;

namespace AeroGrid.Tests.ServiceDefaults;

[Collection(InProcessHostsGroup.Name)]
public sealed class PrometheusMetricsTests(PrometheusMetricsApp service) : IClassFixture<PrometheusMetricsApp>
{
    private const string Duration = "http_server_request_duration_seconds";
    // Only the histogram test calls this route, so it knows the count to expect.
    private const string PingRoute = $"{PrometheusMetricsApp.Prefix}/ping";

    private string _lastScrape = "";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Request_durations_are_a_histogram_per_route_with_one_count_per_request()
    {
        const int requests = 3;
        for (var i = 0; i < requests; i++)
        {
            Assert.Equal("pong", await service.Client.GetStringAsync(PingRoute, Cancel));
        }

        var samples = PrometheusExposition.Parse(await ScrapeUntilAsync(
            text => PingSamples(PrometheusExposition.Parse(text), "_count").FirstOrDefault()?.Value >= requests,
            $"{requests} requests to {PingRoute} in {Duration}_count"));

        Assert.Equal(requests, Assert.Single(PingSamples(samples, "_count")).Value);
        Assert.True(Assert.Single(PingSamples(samples, "_sum")).Value > 0);
        var buckets = PingSamples(samples, "_bucket").ToList();
        Assert.True(buckets.Count > 2, "explicit bucket boundaries plus +Inf");
        Assert.All(buckets, b => Assert.Equal("GET", b.Label("http_request_method")));
        var bounds = buckets.Select(b => b.Label("le") ?? throw new Xunit.Sdk.XunitException("a bucket without le")).ToList();
        Assert.Equal("+Inf", bounds[^1]);
        Assert.Equal(bounds.Select(ParseBound).Order(), bounds.Select(ParseBound));
        Assert.Equal(buckets.Select(b => b.Value).Order(), buckets.Select(b => b.Value));
        Assert.Equal(requests, buckets[^1].Value);
    }

    [Fact]
    public async Task The_scrape_is_valid_text_exposition_format_0_0_4()
    {
        // Scrapes are requests too: the histogram shows up once one of them has finished.
        await ScrapeUntilAsync(text => text.Contains($"# TYPE {Duration} histogram\n", StringComparison.Ordinal), $"the {Duration} family");

        using var response = await service.Client.GetAsync("/metrics", Cancel);
        var text = await response.Content.ReadAsStringAsync(Cancel);

        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        var samples = PrometheusExposition.Parse(text);
        Assert.Contains($"# HELP {Duration} Duration of HTTP server requests.\n", text, StringComparison.Ordinal);
        // The runtime's own meter comes along: its GC collection count is a counter.
        Assert.Contains(samples, s => s.Name == "dotnet_gc_collections_total");
    }

    [Fact]
    public async Task A_counter_of_an_AeroGrid_meter_is_exposed_as_a_total()
    {
        var made = service.Meter.CreateCounter<long>("aerogrid.tests.widgets.made", "{widget}", "Widgets made.");
        made.Add(2, new KeyValuePair<string, object?>("widget.kind", "sprocket"));
        made.Add(3, new KeyValuePair<string, object?>("widget.kind", "sprocket"));

        // The exporter answers scrapes within 300 ms of each other from one collection, which may predate the counter.
        var text = await ScrapeUntilAsync(t => t.Contains("aerogrid_tests_widgets_made_total", StringComparison.Ordinal), "the widgets counter");

        var sample = Assert.Single(PrometheusExposition.Parse(text), s => s.Name == "aerogrid_tests_widgets_made_total");
        Assert.Equal(5, sample.Value);
        Assert.Equal("sprocket", sample.Label("widget_kind"));
        Assert.Contains("# TYPE aerogrid_tests_widgets_made_total counter\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_service_is_named_by_OTEL_SERVICE_NAME()
    {
        var samples = PrometheusExposition.Parse(await service.Client.GetStringAsync("/metrics", Cancel));

        var target = Assert.Single(samples, s => s.Name == "target_info");
        Assert.Equal(PrometheusMetricsApp.ServiceName, target.Label("service_name"));
        Assert.False(string.IsNullOrEmpty(target.Label("service_instance_id")));
    }

    // A request's duration is recorded as the request ends, which can be just after the client has the response.
    private Task<string> ScrapeUntilAsync(Func<string, bool> ready, string waitingFor) =>
        Eventually.GetAsync(
            async () => (_lastScrape = await service.Client.GetStringAsync("/metrics", Cancel)) is var text && ready(text) ? text : null,
            TimeSpan.FromSeconds(10), () => $"{waitingFor}; the last scrape's request counts:\n{RequestCounts(_lastScrape)}");

    private static string RequestCounts(string scrape) =>
        string.Join('\n', scrape.Split('\n').Where(line => line.StartsWith(Duration + "_count", StringComparison.Ordinal)));

    private static IEnumerable<PrometheusSample> PingSamples(IEnumerable<PrometheusSample> samples, string suffix) =>
        samples.Where(s => s.Name == Duration + suffix && s.Label("http_route") == PingRoute);

    private static double ParseBound(string le) =>
        le == "+Inf" ? double.PositiveInfinity : double.Parse(le, System.Globalization.CultureInfo.InvariantCulture);
}
