using Microsoft.AspNetCore.Builder;

namespace AeroGrid.Tests.ServiceDefaults;

/// <summary>A service with one plain endpoint, scraped by a real Prometheus.</summary>
public sealed class ScrapedServiceApp : ServiceDefaultsApp
{
    public const string Prefix = "/scraped-test";
    public const string ServiceName = "scraped-service-test";

    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["OTEL_SERVICE_NAME"] = ServiceName,
    };

    protected override void MapEndpoints(WebApplication app) => app.MapGet($"{Prefix}/ping", () => "pong");
}
