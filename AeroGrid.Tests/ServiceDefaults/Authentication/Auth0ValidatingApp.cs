using AeroGrid.ServiceDefaults.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace AeroGrid.Tests.ServiceDefaults.Authentication;

/// <summary>
/// A service configured as publish configures the platform's (<c>Auth__Authority</c> = <c>https://{auth0.domain}/</c>,
/// the audience, the tenant claim <c>org_name</c>), answering with the caller it read and with the tenant check every
/// AeroGrid API makes.
/// </summary>
public sealed class Auth0ValidatingApp : ServiceDefaultsApp
{
    public const string Prefix = "/auth0-tokens-test";
    public const string Audience = "https://api.aerogrid.io";

    internal Auth0Tokens Tokens { get; } = new("aerogrid-test.eu.auth0.com", Audience);

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        [$"{AeroGridAuthOptions.SectionName}:{nameof(AeroGridAuthOptions.Authority)}"] = Tokens.Issuer,
        [$"{AeroGridAuthOptions.SectionName}:{nameof(AeroGridAuthOptions.Audience)}"] = Audience,
        [$"{AeroGridAuthOptions.SectionName}:{nameof(AeroGridAuthOptions.TenantClaim)}"] = "org_name",
    };

    protected override void ConfigureServices(WebApplicationBuilder builder)
    {
        builder.Services.AddAeroGridAuthentication(builder.Configuration);
        // Only where the handler reads discovery and keys from changes; its validation is the services' own.
        builder.Services.Configure<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme, options => options.BackchannelHttpHandler = Tokens.Discovery());
    }

    protected override void MapEndpoints(WebApplication app)
    {
        app.MapGet($"{Prefix}/caller", (HttpContext http) =>
        {
            var caller = http.GetCaller();
            return Results.Json(new { caller.Subject, caller.Tenant, Permissions = caller.Permissions.Order(StringComparer.Ordinal), caller.IsPlatformAdmin });
        }).RequireAuthorization();
        app.MapGet($"{Prefix}/namespaces/{{tenant}}/apps", (HttpContext http, string tenant) =>
            http.GetCaller().Can(Permissions.AppsRead, tenant) ? Results.Ok() : Results.StatusCode(StatusCodes.Status403Forbidden))
            .RequireAuthorization();
    }
}
