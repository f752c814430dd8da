using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AeroGrid.Tests.ServiceDefaults;

[Collection(InProcessHostsGroup.Name)]
public sealed class DefaultEndpointsTests(DefaultEndpointsApp service) : IClassFixture<DefaultEndpointsApp>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("/health")]
    [InlineData("/alive")]
    [InlineData("/metrics")]
    public async Task Default_endpoints_answer_without_a_token(string path)
    {
        using var response = await service.Client.GetAsync(path, Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Other_endpoints_of_the_same_service_still_require_a_token()
    {
        using var response = await service.Client.GetAsync($"{DefaultEndpointsApp.Prefix}/private", Cancel);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData("/health")]
    [InlineData("/alive")]
    public async Task Health_endpoints_report_healthy(string path) =>
        Assert.Equal("Healthy", await service.Client.GetStringAsync(path, Cancel));

    [Fact]
    public async Task Without_OTEL_SERVICE_NAME_the_service_is_named_after_the_application()
    {
        var applicationName = service.App.Services.GetRequiredService<IHostEnvironment>().ApplicationName;

        var samples = PrometheusExposition.Parse(await service.Client.GetStringAsync("/metrics", Cancel));

        var target = Assert.Single(samples, s => s.Name == "target_info");
        Assert.Equal(applicationName, target.Label("service_name"));
    }
}
