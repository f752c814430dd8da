using AeroGrid.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace AeroGrid.Tests.ServiceDefaults;

/// <summary>
/// A real service on Kestrel at a free loopback port, set up the way every AeroGrid service is
/// (<c>AddServiceDefaults</c>, <c>MapDefaultEndpoints</c>) plus the endpoints of one test class.
/// </summary>
/// <remarks>
/// Meter and activity listeners are process-wide, so every app in the test run sees every other app's
/// measurements: each test class keeps its endpoints under its own path prefix.
/// </remarks>
public abstract class ServiceDefaultsApp : IAsyncLifetime
{
    private WebApplication? _app;
    private HttpClient? _client;

    public WebApplication App => _app ?? throw new InvalidOperationException("The app has not started");

    /// <summary>A client for the app's bound address.</summary>
    public HttpClient Client => _client ?? throw new InvalidOperationException("The app has not started");

    /// <summary>
    /// Configuration layered over the host's defaults. OTEL_* settings go here rather than into
    /// environment variables, which every test in the process would share.
    /// </summary>
    protected virtual IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>();

    protected virtual void ConfigureServices(WebApplicationBuilder builder)
    {
    }

    protected abstract void MapEndpoints(WebApplication app);

    public virtual async ValueTask InitializeAsync()
    {
        var builder = LoopbackKestrel.CreateBuilder();
        builder.Configuration.AddInMemoryCollection(Settings);
        ConfigureServices(builder);
        builder.AddServiceDefaults();

        _app = builder.Build();
        _app.MapDefaultEndpoints();
        MapEndpoints(_app);
        await _app.StartAsync(TestContext.Current.CancellationToken);

        // The client stands for a caller in another process. Without a propagator its handler emits no activity, so the
        // app's HttpClient instrumentation, which listens process-wide, leaves the traceparent a test sets alone.
        _client = new HttpClient(new SocketsHttpHandler { ActivityHeadersPropagator = null })
        {
            BaseAddress = _app.BoundAddress(),
            Timeout = TimeSpan.FromSeconds(30),
        };
    }

    public virtual async ValueTask DisposeAsync()
    {
        _client?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
        GC.SuppressFinalize(this);
    }
}
