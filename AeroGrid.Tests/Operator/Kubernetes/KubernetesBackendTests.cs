using System.Text.Json;
using AeroGrid.Api.Resources;
using AeroGrid.Tests.Infrastructure;
using AeroGrid.Tests.Infrastructure.Cluster;
using k8s;
using k8s.Models;

namespace AeroGrid.Tests.Operator.Kubernetes;

/// <summary>
/// The Operator's cluster backend end to end: a real Operator process with <c>Operator:Backend=kubernetes</c> drives the
/// control plane through KubernetesClient, and the cluster simulator plays the controllers, the kubelet (pods as real
/// Python processes), Kaniko (a real pip install) and the registry.
/// </summary>
[Collection(ClusterGroup.Name)]
public sealed class KubernetesBackendTests(ClusterFixture cluster)
{
    private const string Tenant = "acme";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private IKubernetes Kubernetes => cluster.Kubernetes;

    [Fact]
    public async Task A_new_app_is_built_then_deployed_and_answers_through_its_pod()
    {
        var created = await cluster.Api.Apps.CreateAsync(NewApp(Tenant, "first", Hello("first"), "greeting==1.0\n"), Cancellation);

        var running = await RunningAsync(Tenant, "first", created.Metadata.Generation);

        Assert.Equal("first says hello from a wheel", await AnswerAsync(running));
        var hash = ImageHash.Of(created.Spec);
        Assert.Equal(cluster.ImageReference(hash), (await cluster.Api.Images.GetAsync(Tenant, ImageHash.ImageName(hash), Cancellation)).Status?.Reference);
        Assert.Contains($"PUT /v2/{ClusterFixture.Repository}/manifests/{hash}", cluster.Registry.Requests);
        var deployment = await Kubernetes.AppsV1.ReadNamespacedDeploymentAsync("first", Tenant, cancellationToken: Cancellation);
        Assert.Equal("0", deployment.Spec.Strategy.RollingUpdate.MaxUnavailable.Value);
        await Kubernetes.CoreV1.ReadNamespacedServiceAsync("first", Tenant, cancellationToken: Cancellation);
        var configMaps = await Kubernetes.CoreV1.ListNamespacedConfigMapAsync(Tenant, labelSelector: "aerogrid.io/app=first", cancellationToken: Cancellation);
        Assert.True(Assert.Single(configMaps.Items).Immutable);
        // The finished build's context is gone; its Job stays for its log until the TTL.
        Assert.Empty((await Kubernetes.CoreV1.ListNamespacedConfigMapAsync(Tenant, labelSelector: $"aerogrid.io/image-hash={hash}", cancellationToken: Cancellation)).Items);

        // The build's log, and the app's, through the API as the Portal reads them: the Operator streams them from the pods.
        Assert.Contains("Successfully installed greeting-1.0", await cluster.LogAsync(Tenant, $"images/{ImageHash.ImageName(hash)}"), StringComparison.Ordinal);
        Assert.Contains("aerogrid: serving", await cluster.LogAsync(Tenant, "apps/first"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_object_the_backend_writes_validates_against_the_Kubernetes_and_Istio_schemas()
    {
        var created = await cluster.Api.Apps.CreateAsync(NewApp(Tenant, "valid", Hello("valid"), "greeting==1.0\n"), Cancellation);
        await RunningAsync(Tenant, "valid", created.Metadata.Generation);

        List<(string Kind, object Object)> written =
        [
            ("Deployment", await Kubernetes.AppsV1.ReadNamespacedDeploymentAsync("valid", Tenant, cancellationToken: Cancellation)),
            ("Service", await Kubernetes.CoreV1.ReadNamespacedServiceAsync("valid", Tenant, cancellationToken: Cancellation)),
            ("VirtualService", await Kubernetes.CustomObjects.GetNamespacedCustomObjectAsync("networking.istio.io", "v1", Tenant, "virtualservices", "valid", Cancellation)),
            .. (await Kubernetes.CoreV1.ListNamespacedConfigMapAsync(Tenant, labelSelector: "app.kubernetes.io/managed-by=aerogrid", cancellationToken: Cancellation)).Items.Select(c => ("ConfigMap", (object)c)),
            .. (await Kubernetes.BatchV1.ListNamespacedJobAsync(Tenant, labelSelector: "app.kubernetes.io/managed-by=aerogrid", cancellationToken: Cancellation)).Items.Select(j => ("Job", (object)j)),
        ];

        foreach (var (kind, obj) in written)
        {
            var manifest = System.Text.Json.Nodes.JsonNode.Parse(KubernetesJson.Serialize(obj))!.AsObject();
            // What the server adds (status, uid, managedFields) is its own to write; the schemas check what the backend wrote.
            manifest.Remove("status");
            var problems = await ManifestSchemas.ProblemsAsync(manifest);
            Assert.True(problems.Count == 0, $"{kind}: {string.Join("; ", problems)}");
        }
    }

    [Fact]
    public async Task A_code_edit_rolls_out_a_new_ConfigMap_without_a_build_and_the_same_requirements_elsewhere_build_nothing()
    {
        var created = await cluster.Api.Apps.CreateAsync(NewApp(Tenant, "edited", Hello("v1"), "greeting==1.0\n"), Cancellation);
        await RunningAsync(Tenant, "edited", created.Metadata.Generation);
        var builds = await BuildJobsAsync(Tenant);

        var edited = await EditAsync(Tenant, "edited", spec => WithFile(spec, "app.py", Hello("v2")));
        var running = await RunningAsync(Tenant, "edited", edited.Metadata.Generation);

        Assert.Equal("v2 says hello from a wheel", await AnswerAsync(running));
        Assert.Equal(2, running.Status!.Revision);
        Assert.Equal(builds, await BuildJobsAsync(Tenant));
        var configMaps = await Kubernetes.CoreV1.ListNamespacedConfigMapAsync(Tenant, labelSelector: "aerogrid.io/app=edited", cancellationToken: Cancellation);
        Assert.Equal(2, configMaps.Items.Count);

        // Another tenant, the same dependencies: the registry has the tag, so no Job runs there.
        var elsewhere = await cluster.Api.Apps.CreateAsync(NewApp("globex", "same-deps", Hello("globex"), "greeting==1.0\n"), Cancellation);
        var other = await RunningAsync("globex", "same-deps", elsewhere.Metadata.Generation);
        Assert.Equal("globex says hello from a wheel", await AnswerAsync(other));
        Assert.Equal(0, await BuildJobsAsync("globex"));
    }

    [Fact]
    public async Task A_failed_build_and_a_crash_looping_revision_leave_the_serving_revision_serving()
    {
        var created = await cluster.Api.Apps.CreateAsync(NewApp(Tenant, "steady", Hello("steady"), "greeting==1.0\n"), Cancellation);
        var serving = await RunningAsync(Tenant, "steady", created.Metadata.Generation);

        var badRequirements = await EditAsync(Tenant, "steady", spec => WithFile(spec, "requirements.txt", "no-such-package==9.9\n"));
        var failedBuild = await WaitAsync(Tenant, "steady", a => a.Status is { Phase: AppPhase.Failed } s && s.ObservedGeneration == badRequirements.Metadata.Generation, "Failed on its build");
        Assert.Contains("no-such-package", failedBuild.Status!.FailureLog, StringComparison.Ordinal);
        Assert.Equal("steady says hello from a wheel", await AnswerAsync(serving));

        var crashing = await EditAsync(Tenant, "steady", spec => WithFile(WithFile(spec, "requirements.txt", "greeting==1.0\n"), "app.py", "raise SystemExit('boom at start')\n"));
        var failedRollout = await WaitAsync(Tenant, "steady", a => a.Status is { Phase: AppPhase.Failed } s && s.ObservedGeneration == crashing.Metadata.Generation, "Failed on its rollout");
        Assert.Contains("keeps serving", failedRollout.Status!.Message, StringComparison.Ordinal);
        Assert.Contains("boom at start", failedRollout.Status.FailureLog, StringComparison.Ordinal);
        Assert.Equal("steady says hello from a wheel", await AnswerAsync(serving));
        var deployment = await Kubernetes.AppsV1.ReadNamespacedDeploymentAsync("steady", Tenant, cancellationToken: Cancellation);
        Assert.Equal(serving.Status!.RevisionHash, deployment.Spec.Template.Metadata.Labels["aerogrid.io/revision-hash"]);
    }

    [Fact]
    public async Task An_Operator_killed_mid_rollout_converges_when_it_starts_again()
    {
        var created = await cluster.Api.Apps.CreateAsync(NewApp(Tenant, "interrupted", Hello("before"), "greeting==1.0\n"), Cancellation);
        await RunningAsync(Tenant, "interrupted", created.Metadata.Generation);

        var edited = await EditAsync(Tenant, "interrupted", spec => WithFile(spec, "app.py", Hello("after")));
        await Eventually.TrueAsync(async () =>
            (await Kubernetes.AppsV1.ReadNamespacedDeploymentAsync("interrupted", Tenant, cancellationToken: Cancellation)).Spec.Template.Metadata.Labels["aerogrid.io/revision"] == "2",
            Timeout, () => "the rollout of revision 2 never started");
        await cluster.KillOperatorAsync();
        await cluster.StartOperatorAsync();

        var running = await RunningAsync(Tenant, "interrupted", edited.Metadata.Generation);
        Assert.Equal(2, running.Status!.Revision);
        Assert.Equal("after says hello from a wheel", await AnswerAsync(running));
        Assert.Single((await Kubernetes.AppsV1.ListNamespacedDeploymentAsync(Tenant, labelSelector: "aerogrid.io/app=interrupted", cancellationToken: Cancellation)).Items);
    }

    [Fact]
    public async Task Stop_scale_and_delete_leave_nothing_behind()
    {
        var created = await cluster.Api.Apps.CreateAsync(NewApp(Tenant, "scaled", Hello("scaled")), Cancellation);
        await RunningAsync(Tenant, "scaled", created.Metadata.Generation);

        var scaled = await EditAsync(Tenant, "scaled", spec => spec with { Replicas = 2 });
        await WaitAsync(Tenant, "scaled", a => a.Status is { Phase: AppPhase.Running, Endpoints.Count: 2 } && a.Status.ObservedGeneration == scaled.Metadata.Generation, "two ready pods");

        var stopped = await EditAsync(Tenant, "scaled", spec => spec with { Stopped = true });
        await WaitAsync(Tenant, "scaled", a => a.Status?.Phase == AppPhase.Stopped && a.Status.ObservedGeneration == stopped.Metadata.Generation, "Stopped");
        await Eventually.TrueAsync(async () => (await PodsAsync(Tenant, "scaled")).Count == 0, Timeout, () => "the stopped app's pods are still there");
        Assert.Equal(0, (await Kubernetes.AppsV1.ReadNamespacedDeploymentAsync("scaled", Tenant, cancellationToken: Cancellation)).Spec.Replicas);

        await cluster.Api.Apps.DeleteAsync(Tenant, "scaled", Cancellation);
        await Eventually.TrueAsync(async () =>
            await cluster.Api.Apps.TryGetAsync(Tenant, "scaled", Cancellation) is null
            && (await Kubernetes.AppsV1.ListNamespacedDeploymentAsync(Tenant, labelSelector: "aerogrid.io/app=scaled", cancellationToken: Cancellation)).Items.Count == 0
            && (await Kubernetes.CoreV1.ListNamespacedServiceAsync(Tenant, labelSelector: "aerogrid.io/app=scaled", cancellationToken: Cancellation)).Items.Count == 0
            && (await Kubernetes.CoreV1.ListNamespacedConfigMapAsync(Tenant, labelSelector: "aerogrid.io/app=scaled", cancellationToken: Cancellation)).Items.Count == 0
            && (await PodsAsync(Tenant, "scaled")).Count == 0,
            Timeout, () => "something of the deleted app is left");
    }

    private static App NewApp(string tenant, string name, string code, string requirements = "") => new()
    {
        Metadata = new() { Name = name, NamespaceProperty = tenant },
        Spec = new() { Files = [new() { Path = "app.py", Content = code }, new() { Path = "requirements.txt", Content = requirements }] },
    };

    /// <summary>An SDK app answering GET / with its name and, when the greeting wheel is installed, its greeting.</summary>
    private static string Hello(string name) => $$"""
        from aerogrid import App
        try:
            from greeting import greet
        except ImportError:
            def greet():
                return "hello"

        app = App("{{name}}")

        @app.get("/")
        def index():
            return "{{name}} says " + greet()
        """;

    private static AppSpec WithFile(AppSpec spec, string path, string content) =>
        spec with { Files = [.. spec.Files.Where(f => f.Path != path), new() { Path = path, Content = content }] };

    private async Task<App> EditAsync(string tenant, string name, Func<AppSpec, AppSpec> edit)
    {
        var app = await cluster.Api.Apps.GetAsync(tenant, name, Cancellation);
        return await cluster.Api.Apps.UpdateAsync(app with { Spec = edit(app.Spec) }, Cancellation);
    }

    private async Task<App> WaitAsync(string tenant, string name, Func<App, bool> condition, string what)
    {
        App? last = null;
        return await Eventually.GetAsync(async () =>
        {
            last = await cluster.Api.Apps.GetAsync(tenant, name, Cancellation);
            return condition(last) ? last : null;
        }, Timeout, () => $"{tenant}/{name}: {what}; status: {JsonSerializer.Serialize(last?.Status)}; controller doubles: [{cluster.ControllerFailures}]");
    }

    private Task<App> RunningAsync(string tenant, string name, long? generation) =>
        WaitAsync(tenant, name, a => a.Status is { Phase: AppPhase.Running, Endpoints.Count: > 0 } s && s.ObservedGeneration == generation, $"Running at generation {generation}");

    /// <summary>What the app answers at GET / on a ready pod's address, as the Service would route it.</summary>
    private static async Task<string> AnswerAsync(App app)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        return await http.GetStringAsync(app.Status!.Endpoints![0] + "/", Cancellation);
    }

    private async Task<int> BuildJobsAsync(string tenant) =>
        (await Kubernetes.BatchV1.ListNamespacedJobAsync(tenant, labelSelector: "app.kubernetes.io/managed-by=aerogrid", cancellationToken: Cancellation)).Items.Count;

    private async Task<IList<V1Pod>> PodsAsync(string tenant, string app) =>
        (await Kubernetes.CoreV1.ListNamespacedPodAsync(tenant, labelSelector: $"aerogrid.io/app={app}", cancellationToken: Cancellation)).Items;
}
