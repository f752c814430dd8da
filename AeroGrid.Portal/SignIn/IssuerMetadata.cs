using AeroGrid.ServiceDefaults.Authentication;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace AeroGrid.Portal.SignIn;

/// <summary>
/// The issuer's discovery document and signing keys (Auth0 in a cluster, the dev issuer locally), fetched once
/// and refreshed as keys rotate, as the JWT bearer handler does for the API.
/// </summary>
internal sealed class IssuerMetadata(IOptions<AeroGridAuthOptions> auth)
{
    private readonly ConfigurationManager<OpenIdConnectConfiguration> _configuration = new(
        auth.Value.Authority.TrimEnd('/') + "/.well-known/openid-configuration",
        new OpenIdConnectConfigurationRetriever(),
        new HttpDocumentRetriever { RequireHttps = auth.Value.RequireHttpsMetadata })
    {
        RefreshInterval = TimeSpan.FromMinutes(5),
    };

    public Task<OpenIdConnectConfiguration> GetAsync(CancellationToken cancellationToken) =>
        _configuration.GetConfigurationAsync(cancellationToken);

    /// <summary>After a token failed for an unknown key: the next read fetches the keys again.</summary>
    public void RequestRefresh() => _configuration.RequestRefresh();
}
