using System.Text.Json.Nodes;
using AeroGrid.Api.Resources;
using AeroGrid.Tests.Infrastructure;
using static AeroGrid.Tests.Operator.AppSteps;

namespace AeroGrid.Tests.Operator;

/// <summary>
/// Revisions forked from their environment's warm interpreter (<c>python -m aerogrid.forkserver</c>): exactly as
/// isolated as a fresh process, and never the only way to start one.
/// </summary>
public sealed class WarmInterpreterTests(OperatorFixture platform) : IClassFixture<OperatorFixture>
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };
    private readonly AppSteps _apps = new(platform);

    /// <summary>An SDK app that reports what its process holds: its helper module, leftovers of an earlier revision, pid.</summary>
    private static string Reporter(string version) => $$"""
        import os, sys
        import aerogrid
        import helper
        from aerogrid import App

        # Set by every revision: a later revision sees it only if it shares this interpreter's memory.
        leaked = hasattr(aerogrid, "planted_by_a_revision")
        aerogrid.planted_by_a_revision = "{{version}}"
        foreign = sorted(name for name, module in list(sys.modules.items())
                         if (getattr(module, "__file__", None) or "").startswith(os.path.dirname(os.getcwd()))
                         and not (module.__file__ or "").startswith(os.getcwd() + os.sep))
        app = App()

        @app.get("/")
        def report():
            return {"version": "{{version}}", "helper": helper.VALUE, "leaked": leaked, "foreign": foreign,
                    "pid": os.getpid(), "revision": os.environ["AEROGRID_REVISION"], "port": os.environ["PORT"]}
        """;

    [Fact]
    public async Task A_revision_forked_from_a_warm_interpreter_is_as_isolated_as_a_fresh_process()
    {
        await platform.Api.Apps.CreateAsync(WithHelper(NewApp("isolated", Reporter("v1")), "v1"));
        var first = await ReportAsync(await _apps.RunningAsync("isolated", 1));

        var edited = await _apps.EditAsync("isolated", spec => WithHelper(WithFile(spec, "app.py", Reporter("v2")), "v2"));
        var running = await _apps.RunningAsync("isolated", edited.Metadata.Generation!.Value);
        var second = await ReportAsync(running);

        Assert.Equal(("v2", "v2", "2"), (second["version"]!.GetValue<string>(), second["helper"]!.GetValue<string>(), second["revision"]!.GetValue<string>()));
        Assert.False(second["leaked"]!.GetValue<bool>(), "the second revision saw what the first set in the SDK module");
        Assert.Empty(second["foreign"]!.AsArray());
        Assert.NotEqual(first["pid"]!.GetValue<int>(), second["pid"]!.GetValue<int>());
        Assert.Equal(new Uri(running.Status!.Endpoints![0]).Port.ToString(System.Globalization.CultureInfo.InvariantCulture), second["port"]!.GetValue<string>());
        // The environment's first process started cold and its fork server with it; the second was forked.
        Assert.Contains("aerogrid.forkserver", CommandLine(second["pid"]!.GetValue<int>()), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_app_with_python_variables_of_its_own_starts_cold_and_runs()
    {
        await platform.Api.Apps.CreateAsync(WithHelper(NewApp("warm-first", Reporter("w")), "w"));
        await _apps.RunningAsync("warm-first", 1); // the environment now has a fork server

        var app = WithHelper(NewApp("own-options", Reporter("cold")), "cold");
        app = app with { Spec = app.Spec with { Env = [new() { Name = "PYTHONDONTWRITEBYTECODE", Value = "1" }] } };
        await platform.Api.Apps.CreateAsync(app);
        var report = await ReportAsync(await _apps.RunningAsync("own-options", 1));

        Assert.Equal("cold", report["version"]!.GetValue<string>());
        var commandLine = CommandLine(report["pid"]!.GetValue<int>());
        Assert.DoesNotContain("forkserver", commandLine, StringComparison.Ordinal);
        Assert.Contains("-m aerogrid", commandLine, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_dead_fork_server_costs_neither_the_serving_process_nor_the_next_rollout()
    {
        await platform.Api.Apps.CreateAsync(WithHelper(NewApp("orphaned", Reporter("a")), "a"));
        await _apps.RunningAsync("orphaned", 1);
        var edited = await _apps.EditAsync("orphaned", spec => WithHelper(WithFile(spec, "app.py", Reporter("b")), "b"));
        var forked = await ReportAsync(await _apps.RunningAsync("orphaned", edited.Metadata.Generation!.Value));
        var pid = forked["pid"]!.GetValue<int>();
        Assert.Contains("aerogrid.forkserver", CommandLine(pid), StringComparison.Ordinal);

        foreach (var server in LiveProcesses.Where(c => c.Contains("-m aerogrid.forkserver", StringComparison.Ordinal)).Where(p => p != pid && IsServerOf(p)))
        {
            using var kill = System.Diagnostics.Process.Start("kill", ["-KILL", $"{server}"]);
            await kill.WaitForExitAsync(TestContext.Current.CancellationToken);
        }

        // Still serving, and when it crashes now (no server left to report it) it is still noticed and restarted.
        Assert.Equal("b", (await ReportAsync(await platform.Api.Apps.GetAsync(Tenant, "orphaned")))["version"]!.GetValue<string>());
        using (var crash = System.Diagnostics.Process.Start("kill", ["-KILL", $"{pid}"]))
        {
            await crash.WaitForExitAsync(TestContext.Current.CancellationToken);
        }
        await Eventually.TrueAsync(async () =>
        {
            var app = await platform.Api.Apps.GetAsync(Tenant, "orphaned");
            try
            {
                return app.Status?.Endpoints is { Count: > 0 } && (await ReportAsync(app))["pid"]!.GetValue<int>() != pid;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, AppSteps.Timeout, () => "not restarted after its process was killed");

        var again = await _apps.EditAsync("orphaned", spec => WithHelper(WithFile(spec, "app.py", Reporter("c")), "c"));
        var report = await ReportAsync(await _apps.RunningAsync("orphaned", again.Metadata.Generation!.Value));
        Assert.Equal("c", report["version"]!.GetValue<string>());
    }

    private static App WithHelper(App app, string value) => app with { Spec = WithHelper(app.Spec, value) };

    private static AppSpec WithHelper(AppSpec spec, string value) => WithFile(spec, "helper.py", $"VALUE = \"{value}\"\n");

    private static async Task<JsonObject> ReportAsync(App app) =>
        (JsonNode.Parse(await Http.GetStringAsync(app.Status!.Endpoints![0])) as JsonObject)!;

    private static string CommandLine(int pid) => File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ');

    // A fork server's children run in an app's folder; the server itself in the Operator's data directory.
    private bool IsServerOf(int pid) =>
        new DirectoryInfo($"/proc/{pid}/cwd").LinkTarget is { } directory && directory.StartsWith(platform.DataDirectory, StringComparison.Ordinal)
        && !directory.Contains("/apps/", StringComparison.Ordinal);
}
