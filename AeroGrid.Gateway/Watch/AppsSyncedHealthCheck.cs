using AeroGrid.Api.Client;
using AeroGrid.Api.Resources;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AeroGrid.Gateway.Watch;

/// <summary>Ready once the Apps are listed: before that every app would answer 404.</summary>
internal sealed class AppsSyncedHealthCheck(Informer<App> apps) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(apps.HasSynced
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy("The Apps have not been listed from the API server yet."));
}
