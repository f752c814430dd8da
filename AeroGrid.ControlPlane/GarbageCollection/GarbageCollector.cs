using System.Text.Json.Nodes;
using System.Threading.Channels;
using AeroGrid.Api.Meta;
using AeroGrid.Api.Resources;
using AeroGrid.ControlPlane.Api;
using AeroGrid.ControlPlane.Storage;
using Microsoft.Extensions.Options;

namespace AeroGrid.ControlPlane.GarbageCollection;

/// <summary>
/// Deletes dependents whose owners are all gone: an object whose every <c>ownerReferences</c> entry names a uid that no
/// longer exists is deleted (its finalizers honoured), in the background after the owner's delete, as Kubernetes'
/// default background propagation does.
/// </summary>
/// <remarks>
/// The local stand-in for kube-controller-manager's garbage collector, which keeps an owner graph from informers. Here the
/// store is local, so a pass after each delete (and a periodic one, for owners deleted while the server was down) reads
/// the objects that have owners and looks the owners up. Not covered: foreground deletion and the Orphan policy
/// (dependents are always deleted), and dropping dangling references from objects that still have another owner.
/// </remarks>
internal sealed partial class GarbageCollector(
    ResourceStore store, WatchHub hub, ResourceHandler handler, IOptions<ControlPlaneOptions> options, ILogger<GarbageCollector> logger)
    : BackgroundService
{
    /// <summary>Deletes that come together (an App and its Revisions, a namespace) are collected in one pass.</summary>
    private static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(50);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // SQLite's async reads complete synchronously: without this the first pass would hold up the host's start.
        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested)
        {
            using var subscription = hub.Subscribe(resource: null, @namespace: null);
            try
            {
                while (true)
                {
                    await CollectAsync(stoppingToken);
                    await WaitForDeleteAsync(subscription.Events, stoppingToken);
                }
            }
            catch (ChannelClosedException)
            {
                // Fell behind the event stream: subscribe again; the pass that follows sees every delete.
            }
        }
    }

    private async Task WaitForDeleteAsync(ChannelReader<StoredEvent> events, CancellationToken stoppingToken)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        wait.CancelAfter(options.Value.GarbageCollectionInterval);
        try
        {
            StoredEvent next;
            do
            {
                next = await events.ReadAsync(wait.Token);
            }
            while (next.Type != WatchEventType.Deleted);
            await Task.Delay(Settle, stoppingToken);
            // The pass reads the store, not the events: what came meanwhile is in it.
            while (events.TryRead(out _))
            {
                continue;
            }
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            // The periodic pass.
        }
    }

    private async Task CollectAsync(CancellationToken cancellationToken)
    {
        foreach (var definition in ResourceDefinitions.InNamespaces)
        {
            var owned = await store.ListAsync(definition.Plural, null, null,
                item => item.Json.Contains("\"ownerReferences\"", StringComparison.Ordinal), int.MaxValue, cancellationToken);
            foreach (var dependent in owned.Items)
            {
                var obj = dependent.ToJson();
                if (obj["metadata"]?["deletionTimestamp"] is not null || obj["metadata"]?["ownerReferences"] is not JsonArray { Count: > 0 } owners)
                {
                    continue;
                }
                if (await AllGoneAsync(owners, dependent.Key.Namespace, cancellationToken))
                {
                    await DeleteAsync(definition, dependent, obj, cancellationToken);
                }
            }
        }
    }

    private async Task<bool> AllGoneAsync(JsonArray owners, string @namespace, CancellationToken cancellationToken)
    {
        foreach (var owner in owners)
        {
            var apiVersion = owner?["apiVersion"]?.GetValue<string>();
            var kind = owner?["kind"]?.GetValue<string>();
            // An owner of a kind this server does not serve cannot be looked up: the dependent stays.
            if (ResourceDefinitions.All.FirstOrDefault(d => d.ApiVersion == apiVersion && d.Kind == kind) is not { } ownerDefinition)
            {
                return false;
            }
            var stored = await store.GetAsync(
                ResourceHandler.Key(ownerDefinition, @namespace, owner?["name"]?.GetValue<string>() ?? ""), cancellationToken);
            if (stored is not null && stored.ToJson()["metadata"]?["uid"]?.GetValue<string>() == owner?["uid"]?.GetValue<string>())
            {
                return false;
            }
        }
        return true;
    }

    private async Task DeleteAsync(ResourceDefinition definition, StoredObject dependent, JsonObject obj, CancellationToken cancellationToken)
    {
        try
        {
            // The uid as a precondition: a dependent deleted and created again meanwhile is another object.
            var preconditions = new JsonObject { ["uid"] = obj["metadata"]?["uid"]?.DeepClone() };
            await handler.DeleteObjectAsync(definition, dependent.Key.Namespace, dependent.Key.Name, preconditions, dryRun: false, cancellationToken);
            LogCollected(logger, dependent.Key);
        }
        catch (ApiError e) when (e.Code is 404 or 409)
        {
            // Gone or replaced meanwhile.
        }
    }

    [LoggerMessage(EventId = 4101, Level = LogLevel.Information, Message = "{Key}: deleted, its owners are gone")]
    private static partial void LogCollected(ILogger logger, ObjectKey key);
}
