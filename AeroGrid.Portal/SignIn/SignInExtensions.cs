using AeroGrid.Portal;
using AeroGrid.Portal.Sessions;
using AeroGrid.Portal.SignIn;
using AeroGrid.ServiceDefaults.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Microsoft.Extensions.DependencyInjection;

internal static class SignInExtensions
{
    public const string SessionCookieName = "aerogrid.session";

    private const string CallbackPath = "/signin-callback";

    /// <summary>
    /// Sign-in with ASP.NET Core's OpenID Connect handler (authorization code flow with PKCE; Auth0 in a cluster, the dev
    /// issuer locally) into a cookie session whose ticket, tokens included, stays on the server (<see cref="SessionTicketStore"/>).
    /// </summary>
    public static IServiceCollection AddPortalSignIn(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<SessionTicketStore>();
        services.TryAddSingleton<SignInEvents>();
        services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
            .AddCookie()
            .AddOpenIdConnect();

        services.AddOptions<CookieAuthenticationOptions>(CookieAuthenticationDefaults.AuthenticationScheme)
            .Configure<SessionTicketStore>((options, sessions) =>
            {
                options.SessionStore = sessions;
                options.Cookie.Name = SessionCookieName;
                options.Cookie.HttpOnly = true;
                // Lax, not Strict: a link to the Portal from another site opens it signed in; changes need the CSRF header.
                options.Cookie.SameSite = SameSiteMode.Lax;
                options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                // The session ends when its access token does (at most MaxSessionLifetime), however busy the person is.
                options.SlidingExpiration = false;
            });

        services.AddOptions<OpenIdConnectOptions>(OpenIdConnectDefaults.AuthenticationScheme)
            .Configure<IOptions<AeroGridAuthOptions>, IOptions<PortalOptions>>((options, authOptions, portalOptions) =>
            {
                var auth = authOptions.Value;
                var portal = portalOptions.Value;
                options.Authority = auth.Authority;
                // Plain HTTP only for a loopback issuer: the local dev issuer.
                options.RequireHttpsMetadata = auth.RequireHttpsMetadata;
                options.ClientId = portal.ClientId;
                options.ClientSecret = portal.ClientSecret.Length > 0 ? portal.ClientSecret : null;
                options.ResponseType = OpenIdConnectResponseType.Code;
                options.UsePkce = true;
                // The code comes back on a top-level GET, which carries the SameSite=Lax correlation cookie over plain HTTP
                // too (form_post would need SameSite=None, which browsers accept only on Secure cookies).
                options.ResponseMode = OpenIdConnectResponseMode.Query;
                options.CorrelationCookie.SameSite = SameSiteMode.Lax;
                options.CorrelationCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                options.NonceCookie.SameSite = SameSiteMode.Lax;
                options.NonceCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                options.CallbackPath = CallbackPath;
                // No front-channel logout from the issuer: a cross-site link to it would sign people out.
                options.RemoteSignOutPath = PathString.Empty;
                options.Scope.Add("email");
                options.MapInboundClaims = false;
                // The access token and ID token go into the ticket, which stays in the SessionTicketStore.
                options.SaveTokens = true;
                options.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidIssuer = auth.Authority,
                    ValidAlgorithms = [SecurityAlgorithms.RsaSha256],
                    RequireSignedTokens = true,
                    RequireExpirationTime = true,
                    ClockSkew = auth.ClockSkew,
                    NameClaimType = "sub",
                };
                options.EventsType = typeof(SignInEvents);
            });
        return services;
    }
}
