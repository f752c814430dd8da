using Microsoft.Playwright;

namespace AeroGrid.Tests.Portal;

/// <summary>
/// Puts code into the Portal's editor the way a person pastes it. Typing key by key is not an option: Monaco
/// closes brackets and indents after a newline as a person types, so typed code comes out mangled. A paste is taken
/// as it is, through the real clipboard (the test context may use it, see PlatformFixture).
/// </summary>
internal static class MonacoEditor
{
    public static async Task SetTextAsync(IPage page, string text)
    {
        // A paste can land before Monaco has focus or finished laying out a model it just opened (the page is busy
        // following a rollout on a loaded machine); then the text stays as it was, and a person would paste again.
        var shown = "";
        for (var attempt = 0; attempt < 3 && shown != text; attempt++)
        {
            await page.Locator("[data-testid=editor] .view-lines").ClickAsync();
            await page.Keyboard.PressAsync("ControlOrMeta+A");
            await page.EvaluateAsync("text => navigator.clipboard.writeText(text)", text);
            await page.Keyboard.PressAsync("ControlOrMeta+V");
            for (var poll = 0; poll < 20 && (shown = await TextAsync(page)) != text; poll++)
            {
                await Task.Delay(100);
            }
        }
        Assert.True(shown == text, $"the editor holds:\n{shown}");
    }

    /// <summary>The text of the file open in the editor, read from Monaco's own model (what a save would send).</summary>
    public static Task<string> TextAsync(IPage page) =>
        page.EvaluateAsync<string>("""
            () => window.monaco.editor.getEditors()
                .find(e => e.getContainerDomNode().closest('[data-testid=editor]'))
                .getModel().getValue()
            """);
}
