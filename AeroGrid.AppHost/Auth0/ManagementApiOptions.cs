using Microsoft.Extensions.Configuration;

namespace AeroGrid.AppHost.Auth0;

/// <summary>
/// How provisioning reaches the Auth0 Management API: a machine-to-machine application authorized for it. From
/// configuration (<c>AeroGrid:Auth0Management:*</c>, e.g. the environment variables <c>AeroGrid__Auth0Management__ClientId</c>
/// and <c>AeroGrid__Auth0Management__ClientSecret</c>), never from the publish settings file, which is meant to be committed.
/// </summary>
internal sealed class ManagementApiOptions
{
    public const string SectionName = "AeroGrid:Auth0Management";

    public string ClientId { get; set; } = "";

    public string ClientSecret { get; set; } = "";

    /// <summary>
    /// For tests only: where the Auth0 tenant answers instead of <c>https://{auth0.domain}/</c>, an Auth0 stand-in on this
    /// machine. Refused unless it is a loopback address, so a real run cannot be pointed at anything but Auth0.
    /// </summary>
    public string StandInUrl { get; set; } = "";

    public static ManagementApiOptions From(IConfiguration configuration) =>
        configuration.GetSection(SectionName).Get<ManagementApiOptions>() ?? new ManagementApiOptions();

    /// <summary>The Auth0 tenant's base address: its Authentication API (<c>/oauth/token</c>) and Management API (<c>/api/v2/</c>).</summary>
    public Uri BaseAddress(string domain)
    {
        if (ClientId.Length == 0 || ClientSecret.Length == 0)
        {
            throw new ManagementApiException(
                $"Provisioning Auth0 needs a machine-to-machine application authorized for its Management API: set {Variable(nameof(ClientId))} " +
                $"and {Variable(nameof(ClientSecret))} in the environment (never in the settings file).");
        }
        if (StandInUrl.Length == 0)
        {
            return new Uri($"https://{domain}/");
        }
        return Uri.TryCreate(StandInUrl, UriKind.Absolute, out var url) && url.IsLoopback
            ? new Uri(url.GetLeftPart(UriPartial.Authority) + "/")
            : throw new ManagementApiException($"{SectionName}:{nameof(StandInUrl)} is for tests only and must be a loopback URL, not '{StandInUrl}'.");
    }

    private static string Variable(string name) => $"{SectionName.Replace(":", "__", StringComparison.Ordinal)}__{name}";
}
