namespace AeroGrid.Tests.AppHost;

/// <summary>
/// The tests of the whole platform share one AppHost (started with Aspire.Hosting.Testing) and one Chromium
/// (<see cref="PlatformFixture"/>), and run one after another.
/// </summary>
[CollectionDefinition(Name)]
public sealed class PlatformGroup : ICollectionFixture<PlatformFixture>
{
    public const string Name = "Platform";
}
