using AeroGrid.ServiceDefaults.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Microsoft.Extensions.DependencyInjection;

public static class AuthenticationExtensions
{
    /// <summary>
    /// JWT bearer validation against the configured issuer's discovery document and JWKS:
    /// issuer, audience, lifetime and the RS256 algorithm are all pinned. Auth0 in a cluster, the dev issuer locally.
    /// </summary>
    /// <param name="onChallenge">Writes the 401 body; each service answers in its own format.</param>
    public static IServiceCollection AddAeroGridAuthentication(
        this IServiceCollection services, IConfiguration configuration, Func<HttpContext, string, Task>? onChallenge = null)
    {
        var section = configuration.GetSection(AeroGridAuthOptions.SectionName);
        services.Configure<AeroGridAuthOptions>(section);
        var auth = section.Get<AeroGridAuthOptions>() ?? new AeroGridAuthOptions();

        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme)
            .AddJwtBearer(options =>
            {
                options.Authority = auth.Authority;
                options.Audience = auth.Audience;
                options.RequireHttpsMetadata = auth.RequireHttpsMetadata;
                options.MapInboundClaims = false;
                options.TokenHandlers.Clear();
                options.TokenHandlers.Add(new CachingTokenHandler(TimeProvider.System) { MapInboundClaims = false });
                // Keys rotate at the issuer; refetch at most every 5 minutes when an unknown kid shows up.
                options.RefreshInterval = TimeSpan.FromMinutes(5);
                options.AutomaticRefreshInterval = TimeSpan.FromHours(12);
                options.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidateIssuer = true,
                    ValidIssuer = auth.Authority,
                    ValidateAudience = true,
                    ValidAudience = auth.Audience,
                    ValidateLifetime = true,
                    RequireExpirationTime = true,
                    RequireSignedTokens = true,
                    ValidateIssuerSigningKey = true,
                    ValidAlgorithms = [SecurityAlgorithms.RsaSha256],
                    ClockSkew = auth.ClockSkew,
                    NameClaimType = "sub",
                };
                if (onChallenge is not null)
                {
                    options.Events = new JwtBearerEvents
                    {
                        OnChallenge = async context =>
                        {
                            context.HandleResponse();
                            var reason = context.AuthenticateFailure is null
                                ? "a bearer token is required"
                                : $"the bearer token is not valid: {Describe(context.AuthenticateFailure)}";
                            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                            context.Response.Headers.WWWAuthenticate = context.AuthenticateFailure is null
                                ? "Bearer"
                                : "Bearer error=\"invalid_token\"";
                            await onChallenge(context.HttpContext, reason);
                        },
                    };
                }
            });
        services.AddAuthorization();
        return services;
    }

    /// <summary>The caller of the current request; only valid behind RequireAuthorization.</summary>
    public static CallerIdentity GetCaller(this HttpContext context)
    {
        var options = context.RequestServices.GetRequiredService<IOptions<AeroGridAuthOptions>>().Value;
        return CallerIdentity.From(context.User, options.TenantClaim);
    }

    // A short reason without the library's diagnostic noise (key ids, PII placeholders).
    private static string Describe(Exception failure) => failure switch
    {
        SecurityTokenExpiredException => "it has expired",
        SecurityTokenNotYetValidException => "it is not valid yet",
        SecurityTokenInvalidIssuerException => "it was issued by an issuer this service does not trust",
        SecurityTokenInvalidAudienceException => "it was issued for another audience",
        SecurityTokenInvalidAlgorithmException => "its signing algorithm is not allowed",
        SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException => "its signature does not verify",
        SecurityTokenNoExpirationException => "it has no expiry",
        _ => "it could not be read",
    };
}
