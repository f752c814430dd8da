using System.Net;
using AeroGrid.Api.Resources;
using AeroGrid.Tests.Infrastructure;
using static AeroGrid.Tests.Operator.AppSteps;

namespace AeroGrid.Tests.Operator;

/// <summary>Each revision that served stays on record as a Revision: real Operator, real Python, real HTTP.</summary>
public sealed class RevisionHistoryTests(OperatorFixture platform) : IClassFixture<OperatorFixture>
{
    private readonly AppSteps _apps = new(platform);

    private async Task<IReadOnlyList<Revision>> RevisionsAsync(string app) =>
        [.. (await platform.Api.Revisions.ListAsync(Tenant, $"aerogrid.io/app={app}")).Items.OrderBy(r => r.Spec.Revision)];

    /// <summary>Waits until the app's Revisions are exactly <paramref name="numbers"/>.</summary>
    private async Task<IReadOnlyList<Revision>> WaitForRevisionsAsync(string app, params long[] numbers) =>
        await Eventually.GetAsync(async () => await RevisionsAsync(app) is var revisions && revisions.Select(r => r.Spec.Revision).SequenceEqual(numbers) ? revisions : null,
            AppSteps.Timeout, () => $"{app}: revisions [{string.Join(", ", numbers)}], have [{string.Join(", ", RevisionsAsync(app).Result.Select(r => r.Spec.Revision))}]");

    /// <summary>Creates the app and saves <paramref name="versions"/> more edits of app.py, each rolled out before the next.</summary>
    private async Task<App> RollOutAsync(string name, int versions)
    {
        await platform.Api.Apps.CreateAsync(NewApp(name, PythonApps.Plain("'v1'")));
        var app = await _apps.RunningAsync(name, 1);
        for (var v = 2; v <= versions + 1; v++)
        {
            var edited = await _apps.EditAsync(name, spec => WithFile(spec, "app.py", PythonApps.Plain($"'v{v}'")));
            app = await _apps.RunningAsync(name, edited.Metadata.Generation!.Value);
        }
        return app;
    }

    [Fact]
    public async Task Each_revision_that_served_is_recorded_with_its_files_and_labels()
    {
        await platform.Api.Apps.CreateAsync(NewApp("neighbour", PythonApps.Plain("'other'")));
        var app = await RollOutAsync("recorded", versions: 2);
        await _apps.RunningAsync("neighbour", 1);

        var revisions = await WaitForRevisionsAsync("recorded", 1, 2, 3);

        for (var i = 0; i < revisions.Count; i++)
        {
            var revision = revisions[i];
            var number = i + 1;
            Assert.Equal($"recorded-{number}", revision.Metadata.Name);
            Assert.Equal("recorded", revision.Spec.App);
            Assert.Equal(new Dictionary<string, string> { ["aerogrid.io/app"] = "recorded", ["aerogrid.io/revision"] = $"{number}" }, revision.Metadata.Labels);
            Assert.Equal(PythonApps.Plain($"'v{number}'"), revision.Spec.Files.Single(f => f.Path == "app.py").Content);
            Assert.Equal("app.py", revision.Spec.Entrypoint);
            Assert.Equal(app.Status!.Image, revision.Spec.Image);
            var owner = Assert.Single(revision.Metadata.OwnerReferences!);
            Assert.Equal(("aerogrid.io/v1alpha1", "App", "recorded", app.Metadata.Uid, true, true),
                (owner.ApiVersion, owner.Kind, owner.Name, owner.Uid, owner.Controller, owner.BlockOwnerDeletion));
        }
        Assert.Equal(app.Status!.RevisionHash, revisions[^1].Spec.RevisionHash);
        Assert.Equal(3, revisions.Select(r => r.Spec.RevisionHash).Distinct().Count());
        Assert.Equal(["neighbour-1"], (await WaitForRevisionsAsync("neighbour", 1)).Select(r => r.Metadata.Name));
    }

    [Fact]
    public async Task Only_the_newest_revisions_are_kept_and_all_go_with_the_app()
    {
        await RollOutAsync("pruned", versions: OperatorFixture.RevisionHistoryLimit);

        var kept = await WaitForRevisionsAsync("pruned", 2, 3, 4);
        Assert.Equal(PythonApps.Plain("'v2'"), kept[0].Spec.Files.Single(f => f.Path == "app.py").Content);

        await platform.Api.Apps.DeleteAsync(Tenant, "pruned");
        await Eventually.TrueAsync(async () => await platform.Api.Apps.TryGetAsync(Tenant, "pruned") is null, AppSteps.Timeout, () => "the app is still there");
        Assert.Empty(await RevisionsAsync("pruned"));
    }

    [Fact]
    public async Task A_failed_rollout_records_no_revision()
    {
        await platform.Api.Apps.CreateAsync(NewApp("never", "def broken(:\n"));
        await platform.Api.Apps.CreateAsync(NewApp("once", PythonApps.Plain("'once'")));
        await _apps.RunningAsync("once", 1);
        await WaitForRevisionsAsync("once", 1);

        var broken = await _apps.EditAsync("once", spec => WithFile(spec, "app.py", "def broken(:\n"));
        await _apps.WaitAsync("once", a => a.Status is { Phase: AppPhase.Failed } s && s.ObservedGeneration == broken.Metadata.Generation, "Failed");
        await _apps.WaitAsync("never", a => a.Status?.Phase == AppPhase.Failed, "Failed");

        // The failures are written after the rollouts ended: a Revision of theirs would exist by now.
        Assert.Equal([1L], (await RevisionsAsync("once")).Select(r => r.Spec.Revision));
        Assert.Empty(await RevisionsAsync("never"));
    }

    [Fact]
    public async Task A_serving_revision_without_a_record_is_recorded_when_the_operator_finds_it()
    {
        await RollOutAsync("adopted", versions: 1);
        await WaitForRevisionsAsync("adopted", 1, 2);

        // As for an app that served before Revisions existed: the Operator restarts and finds no record.
        await platform.KillOperatorAsync();
        await platform.Api.Revisions.DeleteAsync(Tenant, "adopted-2");
        await platform.StartOperatorAsync();

        var revisions = await WaitForRevisionsAsync("adopted", 1, 2);
        Assert.Equal(PythonApps.Plain("'v2'"), revisions[1].Spec.Files.Single(f => f.Path == "app.py").Content);
    }

    [Fact]
    public async Task A_viewer_lists_the_revisions_of_its_tenant_and_another_tenant_cannot()
    {
        await platform.Api.Apps.CreateAsync(NewApp("watched", PythonApps.Plain("'seen'")));
        await WaitForRevisionsAsync("watched", 1);
        var collection = ResourceDefinitions.Revision.CollectionPath(Tenant);
        using var viewer = platform.ControlPlane.Client(await platform.ControlPlane.TokenAsync(Tenant, "apps:read"));
        using var stranger = platform.ControlPlane.Client(await platform.ControlPlane.TokenAsync("globex"));

        var (listed, list) = await viewer.GetJsonAsync(collection + "?labelSelector=aerogrid.io%2Fapp%3Dwatched");
        Assert.Equal(HttpStatusCode.OK, listed);
        Assert.Equal(["watched-1"], list["items"]!.AsArray().Select(item => item.Str("metadata.name")));
        Assert.Equal(HttpStatusCode.OK, (await viewer.GetJsonAsync(collection + "/watched-1")).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.DeleteJsonAsync(collection + "/watched-1")).Status);

        Assert.Equal(HttpStatusCode.Forbidden, (await stranger.GetJsonAsync(collection)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await stranger.GetJsonAsync(collection + "/watched-1")).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await stranger.GetJsonAsync(collection + "?watch=true")).Status);
    }
}
