using System.Collections.Concurrent;
using Microsoft.Playwright;

namespace AeroGrid.Tests.Portal;

/// <summary>One person's browser on the Portal: its own context (cookies, storage) and the page they look at.</summary>
public sealed class PortalPage : IAsyncDisposable
{
    private readonly ConcurrentQueue<string> _scriptProblems = new();

    public PortalPage(IBrowserContext context, IPage page)
    {
        Context = context;
        Page = page;
        // Answers like 401 before sign-in or 404 for a log not written yet are expected; what the page's code does
        // wrong, or what the Content-Security-Policy refuses, is not.
        page.PageError += (_, error) => _scriptProblems.Enqueue(error);
        page.Console += (_, message) =>
        {
            if (message.Type == "error" && !message.Text.StartsWith("Failed to load resource", StringComparison.Ordinal))
            {
                _scriptProblems.Enqueue(message.Text);
            }
        };
    }

    /// <summary>Long enough for a first environment build and a rollout on a busy machine.</summary>
    public static LocatorAssertionsToHaveTextOptions Rollout { get; } = new() { Timeout = 60_000 };

    public IBrowserContext Context { get; }

    public IPage Page { get; }

    public ILocator this[string testId] => Page.GetByTestId(testId);

    /// <summary>No uncaught exception and no console error (a CSP violation is one) so far.</summary>
    public void AssertNoScriptProblems() => Assert.True(_scriptProblems.IsEmpty, string.Join("\n", _scriptProblems));

    public static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);

    public ValueTask DisposeAsync() => new(Context.CloseAsync());
}
