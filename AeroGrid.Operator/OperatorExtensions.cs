using AeroGrid.Api.Client;
using AeroGrid.Api.Resources;
using AeroGrid.Operator;
using AeroGrid.Operator.Controllers;
using AeroGrid.Operator.Runtime;
using AeroGrid.Operator.Workloads;
using AeroGrid.Operator.Workloads.Kubernetes;
using AeroGrid.Operator.Workloads.Local;
using k8s;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

internal static class OperatorExtensions
{
    /// <summary>The API client, informers, controllers and the workload backend <c>Operator:Backend</c> names.</summary>
    public static WebApplicationBuilder AddOperator(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<OperatorOptions>().Bind(builder.Configuration.GetSection(OperatorOptions.SectionName))
            .Validate(o => o.RevisionHistoryLimit >= 1, "Operator:RevisionHistoryLimit must be at least 1: the serving revision is always kept.")
            .ValidateOnStart();
        services.Configure<ControllerOptions>(builder.Configuration.GetSection("Operator:Controllers"));
        services.Configure<LocalRuntimeOptions>(builder.Configuration.GetSection(LocalRuntimeOptions.SectionName));
        services.Configure<AppTelemetryOptions>(builder.Configuration.GetSection(AppTelemetryOptions.SectionName));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(ApiClientFactory.Create);
        services.TryAddSingleton(sp => new Informer<App>(sp.GetRequiredService<ApiClient>().Apps, Informing(sp), sp.GetRequiredService<ILogger<Informer<App>>>()));
        services.TryAddSingleton(sp => new Informer<Image>(sp.GetRequiredService<ApiClient>().Images, Informing(sp), sp.GetRequiredService<ILogger<Informer<Image>>>()));

        switch (builder.Configuration[OperatorOptions.SectionName + ":" + nameof(OperatorOptions.Backend)] ?? OperatorOptions.LocalBackend)
        {
            case OperatorOptions.LocalBackend:
                services.AddLocalBackend();
                break;
            case OperatorOptions.KubernetesBackend:
                services.AddKubernetesBackend(builder.Configuration.GetSection(KubernetesBackendOptions.SectionName));
                break;
            case var other:
                throw new InvalidOperationException(
                    $"Operator:Backend is '{other}'; it must be '{OperatorOptions.LocalBackend}' or '{OperatorOptions.KubernetesBackend}'.");
        }

        services.TryAddSingleton<RevisionHistory>();
        services.TryAddSingleton<OperatorMetrics>();
        services.TryAddSingleton<AppController>();
        services.TryAddSingleton<ImageController>();
        services.AddHostedService<OperatorHost>();
        services.AddAeroGridAuthentication(builder.Configuration);
        return builder;
    }

    /// <summary>Python environments and processes on this machine.</summary>
    private static void AddLocalBackend(this IServiceCollection services)
    {
        services.TryAddSingleton<PythonInterpreter>();
        services.TryAddSingleton<IImageBuilder, PythonEnvironmentBuilder>();
        services.TryAddSingleton<WarmInterpreters>();
        services.TryAddSingleton<LocalAppRuntime>();
        services.TryAddSingleton<IAppRuntime>(sp => sp.GetRequiredService<LocalAppRuntime>());
        // Registered before the controllers: it adopts running processes first and, stopping last, stops them all.
        services.AddHostedService(sp => sp.GetRequiredService<LocalAppRuntime>());
    }

    /// <summary>Kaniko Jobs pushing to a registry, and per app a Deployment, a Service and an Istio VirtualService.</summary>
    private static void AddKubernetesBackend(this IServiceCollection services, IConfigurationSection configuration)
    {
        services.AddOptions<KubernetesBackendOptions>().Bind(configuration)
            .Validate(o => o.Registry.Length > 0, "Operator:Kubernetes:Registry must name the registry environments are pushed to, e.g. registry.example.com.")
            .Validate(o => o.Repository.Length > 0, "Operator:Kubernetes:Repository must name the repository of the environments, e.g. aerogrid/env.")
            .ValidateOnStart();
        services.TryAddSingleton<IKubernetes>(sp => sp.GetRequiredService<ApiClient>().Kubernetes);
        services.TryAddSingleton<RegistryTokenCache>();
        services.AddHttpClient<OciRegistryClient>();
        services.TryAddSingleton<AppManifests>();
        services.TryAddSingleton<BuildManifests>();
        services.TryAddSingleton<IImageBuilder, KubernetesImageBuilder>();
        services.TryAddSingleton<KubernetesAppRuntime>();
        services.TryAddSingleton<IAppRuntime>(sp => sp.GetRequiredService<KubernetesAppRuntime>());
        services.AddHostedService(sp => sp.GetRequiredService<KubernetesAppRuntime>());
    }

    private static InformerOptions Informing(IServiceProvider services) =>
        new() { ResyncPeriod = services.GetRequiredService<IOptions<ControllerOptions>>().Value.ResyncPeriod };
}
