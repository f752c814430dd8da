using AeroGrid.Tests.Infrastructure;

namespace AeroGrid.Tests.Portal;

/// <summary>
/// A real control plane (API + dev issuer, tenants acme and globex) and a real Portal process in front of it, shared
/// by the tests of one class. No gateway: these tests are about sign-in, sessions and the Portal's API.
/// </summary>
public sealed class PortalServerFixture : IAsyncLifetime
{
    private ServiceProcess? _portal;

    public ControlPlaneFixture ControlPlane { get; } = new();

    public Uri Url { get; } = new($"http://127.0.0.1:{ServiceProcess.FreePort()}");

    public async ValueTask InitializeAsync()
    {
        await ControlPlane.InitializeAsync();
        _portal = await StartPortalAsync(Url, ControlPlane.Issuer);
    }

    /// <summary>
    /// A Portal of its own for a test that needs other settings than the shared one: another issuer, or
    /// <paramref name="settings"/> such as <c>--Portal:MaxSessionLifetime</c>.
    /// </summary>
    internal async Task<ServiceProcess> StartPortalAsync(Uri url, Uri issuer, params string[] settings)
    {
        var portal = ServiceProcess.Start("AeroGrid.Portal",
        [
            "--urls", url.ToString(),
            "--Auth:Authority", issuer.ToString(),
            "--Portal:ApiServer", ControlPlane.Url.ToString(),
            "--Portal:Gateway", $"http://127.0.0.1:{ServiceProcess.FreePort()}",
            .. settings,
        ]);
        // Tests start Portals while other classes run theirs and a browser: give a loaded machine time.
        await portal.WaitHealthyAsync(new Uri(url, "/health"), TimeSpan.FromSeconds(60));
        return portal;
    }

    /// <summary>A browser-like client (cookies, no automatic redirects) signed in as <paramref name="user"/> on the dev issuer's page.</summary>
    public Task<PortalBrowser> SignInAsync(string user) => PortalBrowser.SignInAsync(Url, user);

    public async ValueTask DisposeAsync()
    {
        if (_portal is not null)
        {
            await _portal.DisposeAsync();
        }
        await ControlPlane.DisposeAsync();
    }
}
