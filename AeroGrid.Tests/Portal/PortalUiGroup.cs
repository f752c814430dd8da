namespace AeroGrid.Tests.Portal;

/// <summary>The browser tests share one platform and one Chromium (<see cref="PortalUiFixture"/>) and run one after another.</summary>
[CollectionDefinition(Name)]
public sealed class PortalUiGroup : ICollectionFixture<PortalUiFixture>
{
    public const string Name = "Portal UI";
}
