using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace AeroGrid.Bench;

/// <summary>
/// Stands in for a tenant's app: a Kestrel server on a loopback port answering every request with the same small body,
/// so the benchmark measures the proxies in front of it rather than the app.
/// </summary>
internal sealed class UpstreamApp : IAsyncDisposable
{
    public const string Body = "{\"hello\":\"world\"}";

    private readonly WebApplication _server;

    private UpstreamApp(WebApplication server) => _server = server;

    public string Address => _server.Urls.Single();

    public static async Task<UpstreamApp> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var server = builder.Build();
        server.Run(http =>
        {
            http.Response.ContentType = "application/json";
            return http.Response.WriteAsync(Body);
        });
        await server.StartAsync();
        return new UpstreamApp(server);
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
