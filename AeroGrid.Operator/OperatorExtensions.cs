using AeroGrid.Api.Client;
using AeroGrid.Api.Resources;
using AeroGrid.Operator;
using AeroGrid.Operator.Controllers;
using AeroGrid.Operator.Runtime;
using AeroGrid.Operator.Workloads;
using AeroGrid.Operator.Workloads.Local;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

internal static class OperatorExtensions
{
    /// <summary>The API client, informers, controllers and the local workload backend.</summary>
    public static WebApplicationBuilder AddOperator(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<OperatorOptions>().Bind(builder.Configuration.GetSection(OperatorOptions.SectionName))
            .Validate(o => o.RevisionHistoryLimit >= 1, "Operator:RevisionHistoryLimit must be at least 1: the serving revision is always kept.")
            .ValidateOnStart();
        services.Configure<ControllerOptions>(builder.Configuration.GetSection("Operator:Controllers"));
        services.Configure<LocalRuntimeOptions>(builder.Configuration.GetSection(LocalRuntimeOptions.SectionName));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(ApiClientFactory.Create);
        services.TryAddSingleton(sp => new Informer<App>(sp.GetRequiredService<ApiClient>().Apps, Informing(sp), sp.GetRequiredService<ILogger<Informer<App>>>()));
        services.TryAddSingleton(sp => new Informer<Image>(sp.GetRequiredService<ApiClient>().Images, Informing(sp), sp.GetRequiredService<ILogger<Informer<Image>>>()));

        // The local backend; the Kubernetes one will register here instead.
        services.TryAddSingleton<PythonInterpreter>();
        services.TryAddSingleton<IImageBuilder, PythonEnvironmentBuilder>();
        services.TryAddSingleton<LocalAppRuntime>();
        services.TryAddSingleton<IAppRuntime>(sp => sp.GetRequiredService<LocalAppRuntime>());
        // Registered before the controllers: it adopts running processes first and, stopping last, stops them all.
        services.AddHostedService(sp => sp.GetRequiredService<LocalAppRuntime>());

        services.TryAddSingleton<RevisionHistory>();
        services.TryAddSingleton<AppController>();
        services.TryAddSingleton<ImageController>();
        services.AddHostedService<OperatorHost>();
        services.AddAeroGridAuthentication(builder.Configuration);
        return builder;
    }

    private static InformerOptions Informing(IServiceProvider services) =>
        new() { ResyncPeriod = services.GetRequiredService<IOptions<ControllerOptions>>().Value.ResyncPeriod };
}
