using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AeroGrid.Tests.Infrastructure;

/// <summary>Real in-process servers for tests: Kestrel on a free loopback port.</summary>
internal static class LoopbackKestrel
{
    public static WebApplicationBuilder CreateBuilder()
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        // Console logging from a dozen servers would bury the test output; a test that needs logs adds a provider.
        builder.Logging.ClearProviders();
        return builder;
    }

    /// <summary>The address Kestrel bound once the app has started.</summary>
    public static Uri BoundAddress(this WebApplication app) =>
        new(app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single());
}
