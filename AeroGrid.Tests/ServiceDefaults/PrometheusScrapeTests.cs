using AeroGrid.Tests.Infrastructure;

namespace AeroGrid.Tests.ServiceDefaults;

/// <summary>What <c>/metrics</c> serves, read by the program it is for: a real Prometheus scraping the service.</summary>
[Collection(InProcessHostsGroup.Name)]
public sealed class PrometheusScrapeTests(ScrapedServiceApp service) : IClassFixture<ScrapedServiceApp>
{
    // The first scrape lands some seconds after Prometheus starts; a second one picks up what the first caused.
    private static readonly TimeSpan ScrapeTimeout = TimeSpan.FromSeconds(60);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Prometheus_scrapes_the_service_and_answers_queries_about_its_requests()
    {
        const int requests = 3;
        for (var i = 0; i < requests; i++)
        {
            Assert.Equal("pong", await service.Client.GetStringAsync($"{ScrapedServiceApp.Prefix}/ping", Cancel));
        }
        await using var prometheus = PrometheusServer.Start([service.Client.BaseAddress!]);

        // up is 1 only when the scrape succeeded and the whole exposition parsed.
        var up = await WaitForAsync(prometheus, $"up{{job=\"{PrometheusServer.Job}\"}} == 1", "a successful scrape");
        Assert.Equal(service.Client.BaseAddress!.Authority, Assert.Single(up).Labels["instance"]);

        var count = await WaitForAsync(prometheus,
            $"http_server_request_duration_seconds_count{{job=\"{PrometheusServer.Job}\",http_route=\"{ScrapedServiceApp.Prefix}/ping\"}}",
            "the ping route's request count");
        var series = Assert.Single(count);
        Assert.Equal(requests, series.Value);
        Assert.Equal("GET", series.Labels["http_request_method"]);
        Assert.Equal("200", series.Labels["http_response_status_code"]);

        // Buckets are cumulative: the +Inf bucket holds every request, and histogram_quantile can use them.
        var quantile = await WaitForAsync(prometheus,
            $"histogram_quantile(0.5, sum by (le) (http_server_request_duration_seconds_bucket{{job=\"{PrometheusServer.Job}\",http_route=\"{ScrapedServiceApp.Prefix}/ping\"}}))",
            "a median request duration");
        Assert.InRange(Assert.Single(quantile).Value, 0, 10);

        var target = await WaitForAsync(prometheus, $"target_info{{job=\"{PrometheusServer.Job}\"}}", "target_info");
        Assert.Equal(ScrapedServiceApp.ServiceName, Assert.Single(target).Labels["service_name"]);
    }

    private static Task<IReadOnlyList<PrometheusResult>> WaitForAsync(PrometheusServer prometheus, string promql, string waitingFor) =>
        Eventually.GetAsync(
            async () => await prometheus.QueryAsync(promql, Cancel) is { Count: > 0 } result ? result : null,
            ScrapeTimeout,
            () => $"{waitingFor} ({promql}); targets: {prometheus.TargetsAsync(Cancel).GetAwaiter().GetResult()}\n{prometheus.Output}");
}
