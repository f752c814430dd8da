using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace AeroGrid.Bench;

/// <summary>
/// Stands in for a tenant's app: a Kestrel server on a loopback port answering with fixed bodies (<c>/</c> a small JSON
/// object, <c>/1k</c> and <c>/100k</c> that many bytes), so the benchmark measures the proxies in front of it rather
/// than the app.
/// </summary>
internal sealed class UpstreamApp : IAsyncDisposable
{
    public const string Body = "{\"hello\":\"world\"}";

    private static readonly byte[] OneKilobyte = new byte[1024];
    private static readonly byte[] HundredKilobytes = new byte[100 * 1024];

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
            var body = http.Request.Path.Value switch
            {
                "/1k" => OneKilobyte,
                "/100k" => HundredKilobytes,
                _ => null,
            };
            if (body is null)
            {
                http.Response.ContentType = "application/json";
                return http.Response.WriteAsync(Body);
            }
            http.Response.ContentType = "application/octet-stream";
            http.Response.ContentLength = body.Length;
            return http.Response.Body.WriteAsync(body).AsTask();
        });
        await server.StartAsync();
        return new UpstreamApp(server);
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
