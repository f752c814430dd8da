using Microsoft.Extensions.Configuration;

namespace AeroGrid.AppHost.Hosting;

/// <summary>
/// The local platform's settings, the <c>AeroGrid</c> section of the AppHost's configuration: <c>appsettings.json</c>,
/// <c>AeroGrid__*</c> environment variables, or <c>--AeroGrid:Key=value</c> after <c>--</c> on the command line.
/// </summary>
internal sealed record PlatformSettings
{
    /// <summary>Where the control plane's store, the Python environments and the apps' files live.</summary>
    public string DataDirectory { get; init; } = ".aerogrid";

    public int ApiPort { get; init; } = 7440;

    /// <summary>The API over HTTPS with a self-signed certificate, for kubectl.</summary>
    public int ApiHttpsPort { get; init; } = 7443;

    public int OperatorPort { get; init; } = 7460;

    public int GatewayPort { get; init; } = 7480;

    public int PortalPort { get; init; } = 7400;

    /// <summary>Tenants (namespaces) created at start, comma-separated; the first is the one the hints name.</summary>
    public string Tenants { get; init; } = "demo";

    /// <summary>The package index apps' requirements install from (pip's <c>--index-url</c>).</summary>
    public string PipIndexUrl { get; init; } = "";

    /// <summary>A folder of wheels to install from instead of an index (pip's <c>--find-links</c> with <c>--no-index</c>).</summary>
    public string PipFindLinks { get; init; } = "";

    public IReadOnlyList<string> TenantList =>
        Tenants.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>The settings from <paramref name="configuration"/>, with a message naming the field when one is wrong.</summary>
    /// <exception cref="InvalidOperationException">A setting is out of range or cannot be read.</exception>
    public static PlatformSettings From(IConfiguration configuration, string baseDirectory)
    {
        PlatformSettings settings;
        try
        {
            settings = configuration.GetSection("AeroGrid").Get<PlatformSettings>() ?? new();
        }
        catch (InvalidOperationException e)
        {
            throw new InvalidOperationException($"AeroGrid settings: {e.Message}", e);
        }
        foreach (var (name, port) in new[]
        {
            (nameof(ApiPort), settings.ApiPort), (nameof(ApiHttpsPort), settings.ApiHttpsPort), (nameof(OperatorPort), settings.OperatorPort),
            (nameof(GatewayPort), settings.GatewayPort), (nameof(PortalPort), settings.PortalPort),
        })
        {
            if (port is <= 0 or >= 65536)
            {
                throw new InvalidOperationException($"AeroGrid:{name} must be a port number from 1 to 65535, not {port}.");
            }
        }
        if (settings.TenantList.Count == 0)
        {
            throw new InvalidOperationException("AeroGrid:Tenants must name at least one tenant, e.g. demo.");
        }
        return settings with { DataDirectory = Path.GetFullPath(settings.DataDirectory, baseDirectory) };
    }
}
