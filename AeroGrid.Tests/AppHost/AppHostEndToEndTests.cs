using System.Net;
using AeroGrid.Api.Resources;
using AeroGrid.AppHost.Dashboard;
using AeroGrid.Tests.Infrastructure;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;

namespace AeroGrid.Tests.AppHost;

/// <summary>
/// The whole local platform from the real AppHost, used through its front doors (API, gateway) and through what the
/// Aspire dashboard shows and runs: every App and Image a resource of its own, with its state and commands.
/// </summary>
[Collection(PlatformGroup.Name)]
public sealed class AppHostEndToEndTests(PlatformFixture platform)
{
    private static readonly TimeSpan Rollout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task An_app_answers_through_the_gateway_its_edits_roll_out_and_a_delete_stops_it()
    {
        await platform.CreateAppAsync("demo", "e2e", "first");
        await platform.AnswersAsync("demo", "e2e", "first");

        await platform.UpdateAppAsync("demo", "e2e", "second");
        await platform.AnswersAsync("demo", "e2e", "second");

        using var api = await platform.ApiAsync("demo");
        Assert.Equal(HttpStatusCode.Accepted, (await api.DeleteAsync($"{PlatformFixture.AppsPath("demo")}/e2e")).StatusCode); // held by the Operator's finalizer until it has cleaned up
        using var gateway = await platform.GatewayAsync("demo");
        await Eventually.TrueAsync(async () => (await gateway.GetAsync("/apps/demo/e2e/")).StatusCode == HttpStatusCode.NotFound,
            TimeSpan.FromSeconds(30), () => "the deleted app still answers");
        await Eventually.TrueAsync(() => Task.FromResult(OperatorFixture.AppProcesses(platform.DataDirectory, "demo", "e2e").Count == 0),
            TimeSpan.FromSeconds(15), () => "the deleted app's process still runs");
    }

    [Fact]
    public async Task An_app_is_a_dashboard_resource_whose_state_follows_its_phase_and_whose_commands_stop_start_and_redeploy_it()
    {
        const string resource = "shown.demo";
        await platform.CreateAppAsync("demo", "shown", "on the dashboard");
        var running = await WaitForStateAsync(resource, nameof(AppPhase.Running));
        Assert.Equal(ResourceSnapshots.AppType, running.Snapshot.ResourceType);
        Assert.Equal("demo", Property(running, "aerogrid.tenant"));
        Assert.Equal("1", Property(running, "aerogrid.revision"));
        Assert.Contains(running.Snapshot.Urls, url => url.Url == new Uri(platform.Gateway, "/apps/demo/shown/").ToString());
        Assert.Contains(running.Snapshot.Urls, url => url.Url == new Uri(platform.Portal, "/apps/shown").ToString());
        // The app's own output is the resource's console log.
        await Eventually.TrueAsync(async () => (await ConsoleLogAsync(resource)).Any(line => line.Contains("GET /healthz", StringComparison.Ordinal) || line.Contains("aerogrid", StringComparison.OrdinalIgnoreCase)),
            TimeSpan.FromSeconds(30), () => "no console log for the app");

        var commands = platform.App.Services.GetRequiredService<ResourceCommandService>();
        Assert.True((await commands.ExecuteCommandAsync(resource, AppCommands.Stop, TestContext.Current.CancellationToken)).Success);
        await WaitForStateAsync(resource, nameof(AppPhase.Stopped));
        await Eventually.TrueAsync(() => Task.FromResult(OperatorFixture.AppProcesses(platform.DataDirectory, "demo", "shown").Count == 0),
            TimeSpan.FromSeconds(15), () => "the stopped app's process still runs");

        Assert.True((await commands.ExecuteCommandAsync(resource, AppCommands.Start, TestContext.Current.CancellationToken)).Success);
        await WaitForStateAsync(resource, nameof(AppPhase.Running));
        await platform.AnswersAsync("demo", "shown", "on the dashboard");

        Assert.True((await commands.ExecuteCommandAsync(resource, AppCommands.Redeploy, TestContext.Current.CancellationToken)).Success);
        await WaitForAsync(resource, e => e.Snapshot.State?.Text == nameof(AppPhase.Running) && Property(e, "aerogrid.revision") == "2", "revision 2 running");
        await platform.AnswersAsync("demo", "shown", "on the dashboard");

        using var api = await platform.ApiAsync("demo");
        Assert.Equal(HttpStatusCode.Accepted, (await api.DeleteAsync($"{PlatformFixture.AppsPath("demo")}/shown")).StatusCode); // held by the Operator's finalizer until it has cleaned up
        await WaitForAsync(resource, e => e.Snapshot.IsHidden && e.Snapshot.State?.Text == "Deleted", "the deleted app hidden");
    }

    [Fact]
    public async Task An_app_that_cannot_start_is_a_failed_resource_and_its_image_a_ready_one()
    {
        using var api = await platform.ApiAsync("demo");
        var (status, body) = await api.PostJsonAsync(PlatformFixture.AppsPath("demo"), new System.Text.Json.Nodes.JsonObject
        {
            ["apiVersion"] = "aerogrid.io/v1alpha1",
            ["kind"] = "App",
            ["metadata"] = new System.Text.Json.Nodes.JsonObject { ["name"] = "broken" },
            ["spec"] = new System.Text.Json.Nodes.JsonObject
            {
                ["files"] = new System.Text.Json.Nodes.JsonArray(
                    new System.Text.Json.Nodes.JsonObject { ["path"] = "app.py", ["content"] = "raise RuntimeError('broken on purpose')\n" },
                    new System.Text.Json.Nodes.JsonObject { ["path"] = "requirements.txt", ["content"] = "" }),
            },
        });
        Assert.True(status == HttpStatusCode.Created, $"{status} {body}");

        var failed = await WaitForStateAsync("broken.demo", nameof(AppPhase.Failed));
        Assert.Contains("broken on purpose", Property(failed, "aerogrid.message") + string.Join('\n', await ConsoleLogAsync("broken.demo")), StringComparison.Ordinal);

        var (_, image) = await api.GetJsonAsync($"/apis/aerogrid.io/v1alpha1/namespaces/demo/images");
        var imageName = image["items"]!.AsArray().Select(item => (string?)item!["metadata"]!["name"]).First();
        var ready = await WaitForStateAsync($"{imageName}.demo.image", nameof(ImagePhase.Ready));
        Assert.Equal(ResourceSnapshots.ImageType, ready.Snapshot.ResourceType);
    }

    private Task<ResourceEvent> WaitForStateAsync(string resource, string state) =>
        WaitForAsync(resource, e => e.Snapshot.State?.Text == state, $"state {state}");

    private async Task<ResourceEvent> WaitForAsync(string resource, Func<ResourceEvent, bool> predicate, string what)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(Rollout);
        try
        {
            return await platform.App.ResourceNotifications.WaitForResourceAsync(resource, predicate, timeout.Token);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            var current = platform.App.ResourceNotifications.TryGetCurrentState(resource, out var e)
                ? $"{e.Snapshot.State?.Text}: {string.Join(", ", e.Snapshot.Properties.Select(p => $"{p.Name}={p.Value}"))}"
                : "not published";
            throw new TimeoutException($"{resource} never reached {what}; it is {current}");
        }
    }

    private static string? Property(ResourceEvent e, string name) =>
        e.Snapshot.Properties.FirstOrDefault(property => property.Name == name)?.Value?.ToString();

    /// <summary>The resource's console log so far, as the dashboard's console view reads it.</summary>
    private async Task<List<string>> ConsoleLogAsync(string resource)
    {
        var logs = platform.App.Services.GetRequiredService<ResourceLoggerService>();
        var lines = new List<string>();
        using var enough = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try
        {
            await foreach (var batch in logs.WatchAsync(resource).WithCancellation(enough.Token))
            {
                lines.AddRange(batch.Select(line => line.Content));
            }
        }
        catch (OperationCanceledException)
        {
            // The log stays open for new lines: what came in two seconds is what there is.
        }
        return lines;
    }
}
