namespace AeroGrid.Tests.Infrastructure;

/// <summary>
/// A control plane with a tiny watch history, fast compaction and frequent bookmarks,
/// so tests see resourceVersions expire (410) within a second.
/// </summary>
public sealed class ShortHistoryControlPlane : IAsyncLifetime
{
    public ControlPlaneFixture ControlPlane { get; } = new();

    public async ValueTask InitializeAsync()
    {
        ControlPlane.Settings["ControlPlane:HistoryEvents"] = "20";
        ControlPlane.Settings["ControlPlane:CompactionInterval"] = "00:00:00.200";
        ControlPlane.Settings["ControlPlane:BookmarkInterval"] = "00:00:00.300";
        await ControlPlane.InitializeAsync();
    }

    public ValueTask DisposeAsync() => ControlPlane.DisposeAsync();
}
