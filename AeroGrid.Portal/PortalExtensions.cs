using AeroGrid.Portal;
using AeroGrid.Portal.Bff;
using AeroGrid.Portal.Hosting;
using AeroGrid.Portal.Templates;
using AeroGrid.ServiceDefaults.Authentication;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

internal static class PortalExtensions
{
    /// <summary>
    /// The Portal's server: sign-in with the issuer (code flow + PKCE), sessions held here, and the front end's API,
    /// which calls the AeroGrid API and the gateway with the signed-in person's token.
    /// </summary>
    public static WebApplicationBuilder AddPortal(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<PortalOptions>()
            .Bind(builder.Configuration.GetSection(PortalOptions.SectionName))
            .Validate(o => o.ApiServer is not null, $"{PortalOptions.SectionName}:{nameof(PortalOptions.ApiServer)} is required.")
            .Validate(o => o.Gateway is not null, $"{PortalOptions.SectionName}:{nameof(PortalOptions.Gateway)} is required.")
            .ValidateOnStart();
        services.AddOptions<AeroGridAuthOptions>()
            .Bind(builder.Configuration.GetSection(AeroGridAuthOptions.SectionName))
            .Validate(o => o.Authority.Length > 0, $"{AeroGridAuthOptions.SectionName}:{nameof(AeroGridAuthOptions.Authority)} is required.")
            .ValidateOnStart();

        services.AddHttpContextAccessor();
        services.AddHttpClient(AppGateway.HttpClientName, (provider, http) =>
        {
            http.BaseAddress = provider.GetRequiredService<IOptions<PortalOptions>>().Value.Gateway;
            http.Timeout = TimeSpan.FromSeconds(30);
        });

        services.AddPortalSignIn();
        services.AddSingleton<PersonApi>();
        services.AddSingleton<AppGateway>();
        services.AddSingleton<AppInvoker>();
        services.AddSingleton<AppData>();
        services.AddSingleton<TemplateCatalog>();
        services.AddFrontEndCompression();
        return builder;
    }

    public static WebApplication MapPortal(this WebApplication app)
    {
        app.UseSecurityHeaders();
        // Before the pages: the OpenID Connect handler answers its callback (/signin-callback) here.
        app.UseAuthentication();
        app.MapSignIn();
        app.MapBff();
        app.MapFrontEnd();
        return app;
    }
}
