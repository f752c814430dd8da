using AeroGrid.Api.Client;
using AeroGrid.Api.Resources;
using AeroGrid.Gateway;
using AeroGrid.Gateway.Access;
using AeroGrid.Gateway.Forwarding;
using AeroGrid.Gateway.Routing;
using AeroGrid.Gateway.Watch;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Transforms.Builder;

namespace Microsoft.Extensions.DependencyInjection;

internal static class GatewayExtensions
{
    /// <summary>
    /// The local stand-in for the Istio ingress: routes from the Apps on the API server, JWT validation and tenant
    /// authorization, YARP forwarding. Registered with TryAdd so a host can replace a piece.
    /// </summary>
    public static WebApplicationBuilder AddGateway(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<GatewayOptions>()
            .Bind(builder.Configuration.GetSection(GatewayOptions.SectionName))
            .Validate(o => o.ApiServer is not null, $"{GatewayOptions.SectionName}:{nameof(GatewayOptions.ApiServer)} is required.")
            .Validate(o => o.TokenEndpoint is not null, $"{GatewayOptions.SectionName}:{nameof(GatewayOptions.TokenEndpoint)} is required.")
            .ValidateOnStart();

        // Watching Apps: KubernetesClient with the gateway's own token, one informer over all namespaces. The informer
        // retries lists and watches with backoff itself, so the connection needs no resilience handler of its own.
        services.AddHttpClient(ApiServerClient.HttpClientName);
        services.TryAddSingleton(ApiServerClient.Create);
        services.TryAddSingleton(provider => new Informer<App>(
            provider.GetRequiredService<ApiClient>().Apps, new InformerOptions(), provider.GetRequiredService<ILogger<Informer<App>>>()));
        services.AddHostedService<AppWatcher>();
        services.AddHealthChecks().AddCheck<AppsSyncedHealthCheck>("apps-synced");

        // Who may call: the same token validation as the API, then the app's tenant and apps:invoke.
        services.AddAeroGridAuthentication(builder.Configuration, (http, reason) => GatewayError.Unauthorized(reason).WriteAsync(http));
        services.AddAuthorizationBuilder().AddPolicy(AppInvokeRequirement.PolicyName, policy =>
            policy.RequireAuthenticatedUser().AddRequirements(new AppInvokeRequirement()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAuthorizationHandler, AppInvokeHandler>());
        // Added, not tried: AddAeroGridAuthentication registered ASP.NET Core's default, and the last registration wins.
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, GatewayAuthorizationResultHandler>();

        // Forwarding: routes per App and the gateway's transforms. The trace continues through the gateway's own span
        // because AddServiceDefaults' tracing starts one per request from the caller's traceparent.
        services.AddReverseProxy();
        services.TryAddSingleton<AppProxyConfigProvider>();
        services.TryAddSingleton<IProxyConfigProvider>(provider => provider.GetRequiredService<AppProxyConfigProvider>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ITransformProvider, AppTransformProvider>());
        return builder;
    }

    /// <summary>
    /// <c>/apps/{tenant}/{app}/**</c>: each known app's route forwards; the catch-all behind them authorizes first too,
    /// so only a caller who could invoke an app learns that it does not exist.
    /// </summary>
    public static WebApplication MapGateway(this WebApplication app)
    {
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapReverseProxy(proxy =>
        {
            proxy.UseMiddleware<AppForwardingMiddleware>();
            // No session affinity (see AppRoutes.Cluster) and no health checks: the Operator lists only ready processes.
            proxy.UseLoadBalancing();
        });
        app.Map("/apps/{tenant}/{app}/{**rest}", (HttpContext http) => GatewayError.NotFound(AppTarget.Of(http)!).WriteAsync(http))
            .RequireAuthorization(AppInvokeRequirement.PolicyName)
            // After the app routes (order 0), so it answers only when no app route matched.
            .WithOrder(1);
        return app;
    }
}
