using AeroGrid.Api.Meta;

namespace AeroGrid.Api.Client;

/// <summary>A change of an informer's cache.</summary>
/// <param name="Type">Added, Updated or Deleted.</param>
/// <param name="Object">
/// The object now; for Deleted its last state (from the DELETED event, or the cache's copy when a relist found it gone).
/// </param>
/// <param name="OldObject">
/// The cached object before an Updated or a Deleted. A periodic resync sends Updated with the same object in both,
/// so a level-triggered controller reconciles everything now and then.
/// </param>
public sealed record InformerEvent<T>(InformerEventType Type, T Object, T? OldObject = null)
    where T : KubernetesObject;
