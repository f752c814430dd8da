using AeroGrid.Client.Generated.ControlPlane.Models.Aerogrid.V1alpha1;

namespace AeroGrid.Client.Apps;

/// <summary>One app of a tenant, as its latest status tells it.</summary>
/// <param name="Name">The app's name, unique in its tenant.</param>
/// <param name="Phase">Pending, Building, Deploying, Running, Failed or Stopped; null before the platform first saw it.</param>
/// <param name="Generation">The version of the app's spec: it rises with every edit.</param>
/// <param name="ObservedGeneration">The generation the status describes: behind <paramref name="Generation"/> while an edit rolls out.</param>
/// <param name="Revision">The revision that serves traffic.</param>
/// <param name="Url">Where the app is reachable through the gateway, e.g. <c>/apps/acme/orders</c>.</param>
/// <param name="Message">A sentence for people: what is happening, or what went wrong.</param>
/// <param name="ResourceVersion">The version of the stored object, opaque.</param>
public sealed record AppState(
    string Name, string? Phase, long Generation, long? ObservedGeneration, long? Revision, string? Url, string? Message, string ResourceVersion)
{
    /// <summary>True when the serving revision runs the latest edit and is up.</summary>
    public bool IsLive => Phase == "Running" && ObservedGeneration == Generation;

    internal static AppState From(App app) => new(
        app.Metadata?.Name ?? "",
        app.Status?.Phase?.ToString(),
        app.Metadata?.Generation ?? 0,
        app.Status?.ObservedGeneration,
        app.Status?.Revision,
        app.Status?.Url,
        app.Status?.Message,
        app.Metadata?.ResourceVersion ?? "");
}

/// <summary>What happened to an app: it appeared, changed or went.</summary>
public enum AppChangeType
{
    /// <summary>The app is new to the watcher: created, or there when the watch (re)listed.</summary>
    Added,

    /// <summary>The app's spec or status changed.</summary>
    Modified,

    /// <summary>The app was deleted.</summary>
    Deleted,
}

/// <summary>A change of one app, and the app as it is after it (as it was last, for a deletion).</summary>
public sealed record AppChange(AppChangeType Type, AppState App);
