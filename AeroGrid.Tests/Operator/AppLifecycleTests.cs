using System.Collections.Concurrent;
using System.Globalization;
using System.Text.RegularExpressions;
using AeroGrid.Api.Resources;
using AeroGrid.Tests.Infrastructure;
using AeroGrid.Tests.ServiceDefaults;
using static AeroGrid.Tests.Operator.AppSteps;

namespace AeroGrid.Tests.Operator;

/// <summary>A saved App becomes a running, self-healing process: real Operator, real Python, real HTTP.</summary>
public sealed class AppLifecycleTests(OperatorFixture platform) : IClassFixture<OperatorFixture>
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };
    private readonly AppSteps _apps = new(platform);

    [Fact]
    public void The_operator_starts_without_warnings() => Assert.Empty(ConsoleLog.Problems(platform.FirstStartupOutput));

    [Fact]
    public async Task An_app_runs_and_a_code_edit_rolls_out_a_new_revision_replacing_the_old_process()
    {
        var created = await platform.Api.Apps.CreateAsync(NewApp("hello", PythonApps.Plain("'v1'")));
        var running = await _apps.RunningAsync("hello", 1);
        Assert.Equal(1, running.Status!.Revision);
        Assert.Equal("/apps/acme/hello", running.Status.Url);
        var first = running.Status.Endpoints![0];
        Assert.Equal("v1", await Http.GetStringAsync(first));
        var oldProcesses = platform.AppProcesses("acme", "hello");
        Assert.Single(oldProcesses);

        var edited = await _apps.EditAsync("hello", spec => WithFile(spec, "app.py", PythonApps.Plain("'v2'")));
        var second = await _apps.RunningAsync("hello", edited.Metadata.Generation!.Value);

        Assert.Equal(2, second.Status!.Revision);
        Assert.Equal(running.Status.Image, second.Status.Image); // Code only: the same environment.
        Assert.Equal("v2", await Http.GetStringAsync(second.Status.Endpoints![0]));
        await Eventually.TrueAsync(() => Task.FromResult(!platform.AppProcesses("acme", "hello").Intersect(oldProcesses).Any()),
            TimeSpan.FromSeconds(10), () => "the old process is still running");
        Assert.Single(platform.AppProcesses("acme", "hello"));
        Assert.NotNull(created);
    }

    [Fact]
    public async Task Edit_to_live_and_build_time_are_histograms_on_metrics()
    {
        // Requirements of its own, so this Operator process builds them: another test restarts the Operator, and an
        // environment an earlier process built is found Ready and measured by none.
        await platform.Api.Apps.CreateAsync(NewApp("measured", PythonApps.Plain("'m1'"), requirements: "greeting>=1.0\n"));
        await _apps.RunningAsync("measured", 1);
        var edited = await _apps.EditAsync("measured", spec => WithFile(spec, "app.py", PythonApps.Plain("'m2'")));
        await _apps.RunningAsync("measured", edited.Metadata.Generation!.Value);

        var samples = PrometheusExposition.Parse(await Http.GetStringAsync(new Uri(platform.Url, "/metrics")));
        var edits = samples.Single(s => s.Name == "aerogrid_app_edit_to_live_seconds_count");
        Assert.True(edits.Value >= 2, $"{edits.Value} revisions measured");
        // Seconds, not milliseconds: a revision on this machine serves within a minute of its write.
        Assert.True(samples.Single(s => s.Name == "aerogrid_app_edit_to_live_seconds_bucket" && s.Label("le") == "60").Value >= 2);
        var builds = samples.Single(s => s.Name == "aerogrid_image_build_duration_seconds_count" && s.Label("outcome") == "ready");
        Assert.True(builds.Value >= 1, $"{builds.Value} builds measured");
    }

    [Fact]
    public async Task New_requirements_build_a_new_environment_from_the_wheelhouse()
    {
        await platform.Api.Apps.CreateAsync(NewApp("deps", PythonApps.Plain("'no deps'")));
        var before = await _apps.RunningAsync("deps", 1);

        var edited = await _apps.EditAsync("deps", spec => WithFile(WithFile(spec, "requirements.txt", "greeting==1.0\n"),
            "app.py", PythonApps.Plain("greeting.greet()", prelude: "import greeting")));
        var after = await _apps.RunningAsync("deps", edited.Metadata.Generation!.Value);

        Assert.NotEqual(before.Status!.Image, after.Status!.Image);
        Assert.Equal("hello from a wheel", await Http.GetStringAsync(after.Status.Endpoints![0]));
        var image = await platform.Api.Images.GetAsync("acme", after.Status.Image!);
        Assert.Equal(ImagePhase.Ready, image.Status!.Phase);
    }

    [Fact]
    public async Task A_failed_build_or_a_broken_start_never_costs_the_serving_revision()
    {
        await platform.Api.Apps.CreateAsync(NewApp("steady", PythonApps.Plain("'steady'")));
        var serving = await _apps.RunningAsync("steady", 1);
        var endpoint = serving.Status!.Endpoints![0];
        var failures = new ConcurrentBag<string>();
        var requests = 0;
        using var stop = new CancellationTokenSource();
        var load = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    if (await Http.GetStringAsync(endpoint) != "steady")
                    {
                        failures.Add("wrong body");
                    }
                }
                catch (HttpRequestException e)
                {
                    failures.Add(e.Message);
                }
                Interlocked.Increment(ref requests);
                await Task.Delay(20);
            }
        });

        // Dependencies that cannot be installed.
        var badDeps = await _apps.EditAsync("steady", spec => WithFile(spec, "requirements.txt", "no-such-package==9.9\n"));
        var buildFailed = await _apps.WaitAsync("steady", a => a.Status is { Phase: AppPhase.Failed } s && s.ObservedGeneration == badDeps.Metadata.Generation, "Failed (build)");
        Assert.Contains("could not be installed", buildFailed.Status!.Message, StringComparison.Ordinal);
        Assert.Contains("no-such-package", buildFailed.Status.Message + buildFailed.Status.FailureLog, StringComparison.Ordinal);
        Assert.Contains("Revision 1 keeps serving", buildFailed.Status.Message, StringComparison.Ordinal);
        var image = (await platform.Api.Images.ListAsync("acme")).Items.Single(i => i.Spec.Requirements.Contains("no-such-package", StringComparison.Ordinal));
        Assert.Equal(ImagePhase.Failed, image.Status!.Phase);
        Assert.Contains("no-such-package", image.Status.LogTail, StringComparison.Ordinal);

        // Code that does not start.
        var broken = await _apps.EditAsync("steady", spec => WithFile(WithFile(spec, "requirements.txt", ""), "app.py", "def broken(:\n"));
        var startFailed = await _apps.WaitAsync("steady", a => a.Status is { Phase: AppPhase.Failed } s && s.ObservedGeneration == broken.Metadata.Generation, "Failed (start)");
        Assert.Contains("SyntaxError", startFailed.Status!.Message + startFailed.Status.FailureLog, StringComparison.Ordinal);
        // The traceback names the app's own file, not where the Operator keeps it.
        Assert.Contains("File \"app.py\", line 1", startFailed.Status.FailureLog, StringComparison.Ordinal);
        Assert.Contains("SyntaxError: invalid syntax. Revision 1 keeps serving.", startFailed.Status.Message, StringComparison.Ordinal);
        Assert.Equal(1, startFailed.Status.Revision);
        Assert.Equal([endpoint], startFailed.Status.Endpoints);

        await stop.CancelAsync();
        await load;
        Assert.True(requests > 10, $"only {requests} requests were made");
        Assert.Empty(failures);
        Assert.Equal("steady", await Http.GetStringAsync(endpoint));
    }

    [Fact]
    public async Task A_crashing_process_restarts_with_growing_backoff()
    {
        await platform.Api.Apps.CreateAsync(NewApp("crashy", PythonApps.Plain("'ok'")));
        await _apps.RunningAsync("crashy", 1);
        await _apps.EditAsync("crashy", spec => WithFile(spec, "app.py", PythonApps.CrashesSoon));

        var looping = await _apps.WaitAsync("crashy", a => a.Status?.Message?.Contains("CrashLoopBackOff", StringComparison.Ordinal) == true, "CrashLoopBackOff");
        Assert.Contains("exited with code 3", looping.Status!.Message, StringComparison.Ordinal);

        // Real restarts: the app's log shows it starting again and again.
        await Eventually.TrueAsync(async () => (await platform.LogAsync("acme", "crashy")).Split('\n').Count(l => l.StartsWith("started at", StringComparison.Ordinal)) >= 4,
            AppSteps.Timeout, () => "four starts");
        // And each wait before a restart is longer than the one before (0.3 s, 0.6 s, 1.2 s, ...), as the Operator decided them;
        // wall-clock gaps between starts would mostly measure Python's start-up time on a busy machine.
        var delays = Regex.Matches(platform.Process.Output, @"acme/crashy revision \d+: process \d+ crashed .*?; restarting in ([0-9.]+) s")
            .Select(m => double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).Take(3).ToList();
        Assert.Equal([0.3, 0.6, 1.2], delays);
    }

    [Fact]
    public async Task Stop_start_and_delete_leave_no_process_and_no_files()
    {
        await platform.Api.Apps.CreateAsync(NewApp("brief", PythonApps.Plain("'brief'")));
        var running = await _apps.RunningAsync("brief", 1);
        var revisionDirectory = Path.Combine(platform.DataDirectory, "apps", "acme", "brief");
        Assert.True(Directory.Exists(revisionDirectory));

        var stopped = await _apps.EditAsync("brief", spec => spec with { Stopped = true });
        await _apps.WaitAsync("brief", a => a.Status?.Phase == AppPhase.Stopped && a.Status.ObservedGeneration == stopped.Metadata.Generation, "Stopped");
        Assert.Empty(platform.AppProcesses("acme", "brief"));

        var started = await _apps.EditAsync("brief", spec => spec with { Stopped = false, Replicas = 2 });
        var again = await _apps.RunningAsync("brief", started.Metadata.Generation!.Value);
        Assert.Equal(running.Status!.Revision, again.Status!.Revision); // Same code, same revision.
        Assert.Equal(2, again.Status.Endpoints!.Count);
        Assert.Equal(2, platform.AppProcesses("acme", "brief").Count);

        await platform.Api.Apps.DeleteAsync("acme", "brief");
        await Eventually.TrueAsync(async () => await platform.Api.Apps.TryGetAsync("acme", "brief") is null, AppSteps.Timeout, () => "the app is still there");
        Assert.Empty(platform.AppProcesses("acme", "brief"));
        Assert.False(Directory.Exists(revisionDirectory));
    }

    [Fact]
    public async Task A_restarted_operator_kills_what_an_unfinished_rollout_left_running_and_keeps_what_it_adopts()
    {
        // The serving process starts a helper of its own: adopted with it, the helper must survive too.
        await platform.Api.Apps.CreateAsync(NewApp("keeper", PythonApps.Plain("'kept'", prelude: "import subprocess; subprocess.Popen(['sleep', '600'])")));
        var running = await _apps.RunningAsync("keeper", 1);
        var serving = await Eventually.GetAsync(() => Task.FromResult(platform.AppProcesses("acme", "keeper") is { Count: 2 } both ? both : null),
            AppSteps.Timeout, () => "the app's helper never started");
        await platform.KillOperatorAsync();

        // What an Operator killed between starting a new revision's process and recording its pid leaves: a process
        // working in that revision's folder that nothing names.
        var unfinished = Directory.CreateDirectory(Path.Combine(platform.DataDirectory, "apps", "acme", "keeper", "rev-2")).FullName;
        using var leftover = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("sleep", ["600"]) { WorkingDirectory = unfinished })!;
        try
        {
            await platform.StartOperatorAsync();
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
            deadline.CancelAfter(AppSteps.Timeout);
            await leftover.WaitForExitAsync(deadline.Token);

            Assert.False(Directory.Exists(unfinished));
            Assert.Equal(serving.Order(), platform.AppProcesses("acme", "keeper").Order());
            Assert.Equal("kept", await Http.GetStringAsync(running.Status!.Endpoints![0]));
        }
        finally
        {
            if (!leftover.HasExited)
            {
                leftover.Kill();
            }
            await platform.Api.Apps.DeleteAsync("acme", "keeper");
        }
        await Eventually.TrueAsync(() => Task.FromResult(platform.AppProcesses("acme", "keeper").Count == 0), AppSteps.Timeout, () => "the app still runs");
    }

    [Fact]
    public async Task A_killed_operator_comes_back_to_exactly_one_healthy_process_per_app()
    {
        await platform.Api.Apps.CreateAsync(NewApp("survivor", PythonApps.Plain("'one'")));
        await _apps.RunningAsync("survivor", 1);
        var edited = await _apps.EditAsync("survivor", spec => WithFile(spec, "app.py", PythonApps.Plain("'two'", prelude: "import time; time.sleep(1.5)")));
        // Kill it while revision 2 is starting next to revision 1.
        await Eventually.TrueAsync(() => Task.FromResult(platform.AppProcesses("acme", "survivor").Count == 2), AppSteps.Timeout, () => "revision 2 never started");
        await platform.KillOperatorAsync();

        await platform.StartOperatorAsync();
        var running = await _apps.RunningAsync("survivor", edited.Metadata.Generation!.Value);

        Assert.Equal("two", await Http.GetStringAsync(running.Status!.Endpoints![0]));
        await Eventually.TrueAsync(() => Task.FromResult(platform.AppProcesses("acme", "survivor").Count == 1), TimeSpan.FromSeconds(15),
            () => $"processes: {string.Join(", ", platform.AppProcesses("acme", "survivor"))}");
        // Every app the killed Operator left running was adopted, not started again beside itself.
        foreach (var other in (await platform.Api.Apps.ListAsync("acme")).Items.Select(a => a.Metadata.Name!))
        {
            Assert.True(platform.AppProcesses("acme", other).Count <= 1, $"{other} has twins: {string.Join(", ", platform.AppProcesses("acme", other))}");
        }
    }
}
