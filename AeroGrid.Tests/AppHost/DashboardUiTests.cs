using AeroGrid.Api.Resources;
using AeroGrid.Tests.Infrastructure;
using Microsoft.Playwright;

namespace AeroGrid.Tests.AppHost;

/// <summary>The Aspire dashboard in the machine's Chromium, as a person running the platform looks at it.</summary>
[Collection(PlatformGroup.Name)]
public sealed class DashboardUiTests(PlatformFixture platform)
{
    [Fact]
    public async Task The_dashboard_lists_a_user_app_as_a_running_resource_beside_the_platform_services()
    {
        await platform.CreateAppAsync("demo", "on-dash", "seen on the dashboard");
        await platform.App.ResourceNotifications.WaitForResourceAsync("on-dash.demo", nameof(AppPhase.Running), TestContext.Current.CancellationToken)
            .WaitAsync(TimeSpan.FromSeconds(90), TestContext.Current.CancellationToken);

        await using var context = await platform.DashboardBrowserAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(platform.DashboardLogin.ToString());
        var row = page.GetByRole(AriaRole.Row).Filter(new() { HasText = "on-dash.demo" });
        await Assertions.Expect(row).ToContainTextAsync(nameof(AppPhase.Running), new() { Timeout = 30_000 });
        foreach (var service in PlatformFixture.Services)
        {
            await Assertions.Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = service }).First).ToContainTextAsync("Running");
        }
        await PlatformFixture.ScreenshotAsync(page, "20-dashboard-resources");
    }
}
