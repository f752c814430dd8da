using System.Globalization;
using System.Text.Json.Nodes;
using AeroGrid.Api.Resources;
using Microsoft.Extensions.Options;

namespace AeroGrid.ControlPlane.Storage;

/// <summary>Creates the configured tenants' namespaces at start, so a fresh local platform is ready to use.</summary>
internal sealed class TenantSeeder(ResourceStore store, TimeProvider time, IOptions<ControlPlaneOptions> options) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var tenant in options.Value.Tenants)
        {
            var key = new ObjectKey(ResourceDefinitions.Namespace.Plural, "", tenant);
            if (await store.GetAsync(key, cancellationToken) is not null)
            {
                continue;
            }
            await store.CreateAsync(key, new JsonObject
            {
                ["apiVersion"] = "v1",
                ["kind"] = ResourceDefinitions.Namespace.Kind,
                ["metadata"] = new JsonObject
                {
                    ["name"] = tenant,
                    ["uid"] = Guid.NewGuid().ToString(),
                    ["creationTimestamp"] = time.GetUtcNow().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
                    ["generation"] = 1,
                },
                ["status"] = new JsonObject { ["phase"] = "Active" },
            }, cancellationToken);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
