using AeroGrid.ServiceDefaults.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace AeroGrid.Tests.ServiceDefaults;

/// <summary>A service that requires a token everywhere by default (a fallback policy), as AeroGrid's APIs do.</summary>
public sealed class DefaultEndpointsApp : ServiceDefaultsApp
{
    public const string Prefix = "/default-endpoints-test";

    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        // Never contacted: a request without a token is challenged before any key lookup.
        [$"{AeroGridAuthOptions.SectionName}:{nameof(AeroGridAuthOptions.Authority)}"] = "http://127.0.0.1:9/",
    };

    protected override void ConfigureServices(WebApplicationBuilder builder)
    {
        builder.Services.AddAeroGridAuthentication(builder.Configuration);
        builder.Services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());
    }

    protected override void MapEndpoints(WebApplication app) => app.MapGet($"{Prefix}/private", () => "a secret");
}
