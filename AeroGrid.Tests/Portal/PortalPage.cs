using Microsoft.Playwright;

namespace AeroGrid.Tests.Portal;

/// <summary>One person's browser on the Portal: its own context (cookies, storage) and the page they look at.</summary>
public sealed class PortalPage(IBrowserContext context, IPage page) : IAsyncDisposable
{
    public IBrowserContext Context { get; } = context;

    public IPage Page { get; } = page;

    public ILocator this[string testId] => Page.GetByTestId(testId);

    public ValueTask DisposeAsync() => new(Context.CloseAsync());
}
