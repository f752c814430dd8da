using System.Net;
using System.Text.Json.Nodes;
using AeroGrid.Tests.ControlPlane;
using AeroGrid.Tests.Infrastructure;

namespace AeroGrid.Tests.Conformance;

/// <summary>
/// Server-side apply as kubectl (<c>apply --server-side</c>) and KubernetesClient (apply patches) expect
/// kube-apiserver to serve it: managedFields, conflicts between managers, forcing, updates taking fields over,
/// fields an applier drops removed, dry runs.
/// </summary>
public sealed class ServerSideApplyConformanceTests(ControlPlaneFixture server) : IClassFixture<ControlPlaneFixture>, IAsyncLifetime
{
    private const string Tenant = "acme";
    private Kubectl _kubectl = null!;
    private CustomResource _apps = null!;

    public async ValueTask InitializeAsync()
    {
        _kubectl = await Kubectl.ForTenantAsync(server, Tenant);
        _apps = (await KubeClients.ForTenantAsync(server, Tenant)).Resource(Tenant);
    }

    public ValueTask DisposeAsync()
    {
        _kubectl.Dispose();
        return ValueTask.CompletedTask;
    }

    private static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 9)];

    private static string Config(string name, int replicas, string files = """[{"path": "app.py", "content": "print(1)"}]""", string labels = "{}") =>
        new JsonObject
        {
            ["apiVersion"] = KubeClients.ApiVersion,
            ["kind"] = "App",
            ["metadata"] = new JsonObject { ["name"] = name, ["labels"] = JsonNode.Parse(labels) },
            ["spec"] = new JsonObject { ["replicas"] = replicas, ["files"] = JsonNode.Parse(files) },
        }.ToJsonString();

    private static JsonObject? Entry(JsonObject obj, string manager, string operation = "Apply") =>
        obj["metadata"]?["managedFields"]?.AsArray().OfType<JsonObject>()
            .SingleOrDefault(entry => entry.Str("manager") == manager && entry.Str("operation") == operation);

    [Fact]
    public async Task Kubectl_apply_server_side_creates_then_updates_and_records_its_managed_fields()
    {
        var name = Unique("ssa");
        var (created, createOutput) = await _kubectl.RunAsync("apply", "--server-side", "-f", await _kubectl.WriteAppManifestAsync(name, "print(1)", 1));
        Assert.True(created == 0, createOutput);
        Assert.Contains($"app.aerogrid.io/{name} serverside-applied", createOutput, StringComparison.Ordinal);

        var (updated, updateOutput) = await _kubectl.RunAsync("apply", "--server-side", "-f", await _kubectl.WriteAppManifestAsync(name, "print(2)", 3));
        Assert.True(updated == 0, updateOutput);

        var (got, json) = await _kubectl.RunAsync("get", "app", name, "-o", "json", "--show-managed-fields");
        Assert.True(got == 0, json);
        var app = JsonNode.Parse(json)!.AsObject();
        Assert.Equal("3", app.Str("spec.replicas"));
        Assert.Equal("print(2)", app.Str("spec.files.0.content"));
        Assert.Equal("2", app.Str("metadata.generation"));
        var entry = Entry(app, "kubectl");
        Assert.NotNull(entry);
        Assert.Equal(KubeClients.ApiVersion, entry.Str("apiVersion"));
        Assert.Equal("FieldsV1", entry.Str("fieldsType"));
        Assert.NotNull(entry.Str("time"));
        var fields = entry["fieldsV1"]!.AsObject();
        Assert.NotNull(fields["f:spec"]?["f:replicas"]);
        var file = fields["f:spec"]?["f:files"]?["k:{\"path\":\"app.py\"}"];
        Assert.NotNull(file);
        Assert.NotNull(file["."]);
        Assert.NotNull(file["f:content"]);
        // What the server sets belongs to no one.
        Assert.Null(fields["f:metadata"]?["f:name"]);
        Assert.Null(fields["f:apiVersion"]);
        Assert.Null(fields["f:status"]);
    }

    [Fact]
    public async Task A_second_applier_changing_a_field_conflicts_until_it_forces()
    {
        var name = Unique("ssa-conflict");
        var (code, _) = await _apps.ApplyAsync(name, Config(name, 2), fieldManager: "manager-a");
        Assert.Equal(201, code);

        var (status, failure) = await KubeClients.FailureAsync(() => _apps.ApplyAsync(name, Config(name, 3), fieldManager: "manager-b"));
        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Equal("Conflict", failure.Str("reason"));
        Assert.Equal("Apply failed with 1 conflict: conflict with \"manager-a\": .spec.replicas", failure.Str("message"));
        var cause = Assert.Single(failure["details"]!["causes"]!.AsArray());
        Assert.Equal("FieldManagerConflict", cause.Str("reason"));
        Assert.Equal(".spec.replicas", cause.Str("field"));
        Assert.Equal("conflict with \"manager-a\"", cause.Str("message"));
        Assert.Equal("2", (await _apps.GetAsync(name)).Str("spec.replicas"));

        // The same value is no conflict: both own it.
        await _apps.ApplyAsync(name, Config(name, 2), fieldManager: "manager-b");
        var shared = await _apps.GetAsync(name);
        Assert.NotNull(Entry(shared, "manager-a")!["fieldsV1"]!["f:spec"]!["f:replicas"]);
        Assert.NotNull(Entry(shared, "manager-b")!["fieldsV1"]!["f:spec"]!["f:replicas"]);

        var manifest = Path.Combine(_kubectl.Directory, $"{name}.json");
        await File.WriteAllTextAsync(manifest, Config(name, 3));
        var (refused, refusedOutput) = await _kubectl.RunAsync("apply", "--server-side", "--field-manager=manager-c", "-f", manifest);
        Assert.True(refused != 0, refusedOutput);
        // Both sharing owners conflict, listed by manager as kube-apiserver lists them.
        Assert.Contains("Apply failed with 2 conflicts: conflicts with \"manager-a\":\n- .spec.replicas\nconflicts with \"manager-b\":\n- .spec.replicas", refusedOutput, StringComparison.Ordinal);
        var (forced, forcedOutput) = await _kubectl.RunAsync("apply", "--server-side", "--field-manager=manager-c", "--force-conflicts", "-f", manifest);
        Assert.True(forced == 0, forcedOutput);

        var app = await _apps.GetAsync(name);
        Assert.Equal("3", app.Str("spec.replicas"));
        Assert.NotNull(Entry(app, "manager-c")!["fieldsV1"]!["f:spec"]!["f:replicas"]);
        Assert.Null(Entry(app, "manager-a")!["fieldsV1"]!["f:spec"]!["f:replicas"]);
        Assert.Null(Entry(app, "manager-b")!["fieldsV1"]!["f:spec"]!["f:replicas"]);
    }

    [Fact]
    public async Task An_update_takes_a_field_from_the_applier_without_conflict_and_records_an_Update_entry()
    {
        var name = Unique("ssa-update");
        await _apps.ApplyAsync(name, Config(name, 2), fieldManager: "applier");

        var patched = await _apps.MergePatchAsync(name, """{"spec":{"replicas":5}}""", fieldManager: "editor");

        Assert.Equal("5", patched.Str("spec.replicas"));
        var update = Entry(patched, "editor", "Update");
        Assert.NotNull(update);
        Assert.Equal(KubeClients.ApiVersion, update.Str("apiVersion"));
        Assert.NotNull(update["fieldsV1"]!["f:spec"]!["f:replicas"]);
        Assert.Null(Entry(patched, "applier")!["fieldsV1"]!["f:spec"]!["f:replicas"]);

        var (status, failure) = await KubeClients.FailureAsync(() => _apps.ApplyAsync(name, Config(name, 2), fieldManager: "applier"));
        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Equal("conflict with \"editor\" using aerogrid.io/v1alpha1", failure["details"]!["causes"]![0].Str("message"));
        Assert.Equal(".spec.replicas", failure["details"]!["causes"]![0].Str("field"));
    }

    [Fact]
    public async Task Status_writes_are_tracked_on_the_status_subresource()
    {
        var name = Unique("ssa-status");
        var (_, applied) = await _apps.ApplyAsync(name, Config(name, 1), fieldManager: "applier");
        applied["status"] = new JsonObject { ["phase"] = "Running", ["message"] = "serving" };

        var written = await _apps.ReplaceStatusAsync(name, applied);

        var entry = written["metadata"]!["managedFields"]!.AsArray().OfType<JsonObject>().Single(e => e.Str("subresource") == "status");
        Assert.Equal("Update", entry.Str("operation"));
        Assert.NotNull(entry["fieldsV1"]!["f:status"]!["f:phase"]);
        Assert.Null(entry["fieldsV1"]!["f:spec"]);
        Assert.Null(Entry(written, "applier")!["fieldsV1"]!["f:status"]);
    }

    [Fact]
    public async Task A_field_the_applier_drops_is_removed_unless_another_manager_owns_it()
    {
        var name = Unique("ssa-drop");
        const string TwoFiles = """[{"path": "app.py", "content": "import util"}, {"path": "util.py", "content": "x = 1"}]""";
        await _apps.ApplyAsync(name, Config(name, 1, TwoFiles, """{"tier": "gold", "team": "web"}"""), fieldManager: "applier");
        await _apps.MergePatchAsync(name, """{"metadata":{"labels":{"team":"ops"}}}""", fieldManager: "editor");

        var (_, app) = await _apps.ApplyAsync(name, Config(name, 1, """[{"path": "app.py", "content": "import util"}]"""), fieldManager: "applier");

        Assert.Equal(["app.py"], app["spec"]!["files"]!.AsArray().Select(file => file.Str("path")));
        Assert.Null(app.Str("metadata.labels.tier"));
        // The editor's label stays: it is the editor's now.
        Assert.Equal("ops", app.Str("metadata.labels.team"));
    }

    [Fact]
    public async Task A_dry_run_apply_stores_nothing_and_an_apply_needs_a_field_manager()
    {
        var name = Unique("ssa-dry");
        var (code, answered) = await _apps.ApplyAsync(name, Config(name, 2), fieldManager: "applier", dryRun: "All");
        Assert.Equal(201, code);
        Assert.Equal("2", answered.Str("spec.replicas"));
        var (missing, _) = await KubeClients.FailureAsync(() => _apps.GetAsync(name));
        Assert.Equal(HttpStatusCode.NotFound, missing);

        var (_, created) = await _apps.ApplyAsync(name, Config(name, 2), fieldManager: "applier");
        var (_, dry) = await _apps.ApplyAsync(name, Config(name, 4), fieldManager: "applier", dryRun: "All");
        Assert.Equal("4", dry.Str("spec.replicas"));
        var stored = await _apps.GetAsync(name);
        Assert.Equal("2", stored.Str("spec.replicas"));
        Assert.Equal(created.Str("metadata.resourceVersion"), stored.Str("metadata.resourceVersion"));

        // Applying the same configuration again changes nothing, managedFields' times included.
        var (_, again) = await _apps.ApplyAsync(name, Config(name, 2), fieldManager: "applier");
        Assert.Equal(created.Str("metadata.resourceVersion"), again.Str("metadata.resourceVersion"));
        Assert.True(JsonNode.DeepEquals(created["metadata"]!["managedFields"], again["metadata"]!["managedFields"]));

        var (status, failure) = await KubeClients.FailureAsync(() => _apps.ApplyAsync(name, Config(name, 2), fieldManager: null));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("BadRequest", failure.Str("reason"));
        Assert.Equal("PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is required for apply patch", failure.Str("message"));
    }

    [Fact]
    public async Task Managed_fields_are_cleared_with_a_single_empty_entry_and_kept_with_an_empty_list()
    {
        var name = Unique("ssa-reset");
        await _apps.ApplyAsync(name, Config(name, 1), fieldManager: "applier");

        var kept = await _apps.MergePatchAsync(name, """{"metadata":{"managedFields":[]}}""", fieldManager: "editor");
        Assert.NotNull(Entry(kept, "applier"));
        var cleared = await _apps.MergePatchAsync(name, """{"metadata":{"managedFields":[{}]}}""", fieldManager: "editor");
        Assert.Null(cleared["metadata"]!["managedFields"]);

        // Fields no one tracked belong to "before-first-apply", so the next apply conflicts over a change.
        var (status, failure) = await KubeClients.FailureAsync(() => _apps.ApplyAsync(name, Config(name, 4), fieldManager: "applier"));
        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Contains("conflict with \"before-first-apply\" using aerogrid.io/v1alpha1: .spec.replicas", failure.Str("message"), StringComparison.Ordinal);
    }
}
