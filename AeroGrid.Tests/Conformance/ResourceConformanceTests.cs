using System.Net;
using System.Text.Json.Nodes;
using AeroGrid.Tests.ControlPlane;
using AeroGrid.Tests.Infrastructure;
using k8s;

namespace AeroGrid.Tests.Conformance;

/// <summary>
/// The verbs of a custom resource as the official KubernetesClient expects kube-apiserver to serve them: status codes
/// and Status bodies (reason, code, details) of every refusal, and nothing half-written by a refused request.
/// </summary>
public sealed class ResourceConformanceTests(ControlPlaneFixture server) : IClassFixture<ControlPlaneFixture>
{
    private const string Tenant = "acme";

    private async Task<CustomResource> AppsAsync(string @namespace = Tenant) =>
        (@namespace == Tenant ? await KubeClients.ForTenantAsync(server, Tenant) : await KubeClients.ForAdminAsync(server)).Resource(@namespace);

    private static void AssertStatus(JsonObject status, HttpStatusCode code, string reason, string? name = null)
    {
        Assert.Equal("Status", status.Str("kind"));
        Assert.Equal("Failure", status.Str("status"));
        Assert.Equal(((int)code).ToString(System.Globalization.CultureInfo.InvariantCulture), status.Str("code"));
        Assert.Equal(reason, status.Str("reason"));
        if (name is not null)
        {
            Assert.Equal(name, status.Str("details.name"));
            Assert.Equal(KubeClients.Group, status.Str("details.group"));
        }
    }

    [Fact]
    public async Task Create_get_and_list_with_label_and_field_selectors()
    {
        var apps = await AppsAsync();
        var run = Guid.NewGuid().ToString("N")[..8];
        var created = await apps.CreateAsync(Apps.Manifest($"sel-a-{run}", labels: new() { ["run"] = run, ["tier"] = "gold" }));
        await apps.CreateAsync(Apps.Manifest($"sel-b-{run}", labels: new() { ["run"] = run, ["tier"] = "silver" }));

        Assert.Equal("1", created.Str("metadata.generation"));
        Assert.NotNull(created.Str("metadata.uid"));
        Assert.NotNull(created.Str("metadata.creationTimestamp"));
        var got = await apps.GetAsync($"sel-a-{run}");
        Assert.Equal(created.Str("metadata.resourceVersion"), got.Str("metadata.resourceVersion"));
        Assert.Equal("App", got.Str("kind"));
        Assert.Equal(KubeClients.ApiVersion, got.Str("apiVersion"));

        var gold = await apps.ListAsync(labelSelector: $"run={run},tier in (gold)");
        Assert.Equal("AppList", gold.Str("kind"));
        Assert.Equal([$"sel-a-{run}"], Names(gold));
        Assert.Equal([$"sel-b-{run}"], Names(await apps.ListAsync(labelSelector: $"run={run},tier!=gold")));
        Assert.Equal([$"sel-b-{run}"], Names(await apps.ListAsync(fieldSelector: $"metadata.name=sel-b-{run}")));
        Assert.Empty(Names(await apps.ListAsync(labelSelector: $"run={run}", fieldSelector: $"metadata.name=sel-c-{run}")));

        var (code, status) = await KubeClients.FailureAsync(() => apps.GetAsync($"sel-c-{run}"));
        Assert.Equal(HttpStatusCode.NotFound, code);
        AssertStatus(status, HttpStatusCode.NotFound, "NotFound", $"sel-c-{run}");
        Assert.Equal("apps", status.Str("details.kind"));
    }

    [Fact]
    public async Task The_pages_of_a_paged_list_are_one_snapshot_at_the_first_pages_resourceVersion()
    {
        var apps = await AppsAsync(await KubeClients.NamespaceAsync(server, "paged"));
        foreach (var name in new[] { "p1", "p2", "p3", "p4", "p5" })
        {
            await apps.CreateAsync(Apps.Manifest(name));
        }

        var first = await apps.ListAsync(limit: 2);
        Assert.Equal(["p1", "p2"], Names(first));
        Assert.Equal("3", first.Str("metadata.remainingItemCount"));
        // Changes between pages: a later page must not show them.
        await apps.CreateAsync(Apps.Manifest("p3a"));
        await apps.DeleteAsync("p4");
        await apps.MergePatchAsync("p5", """{"spec":{"replicas":3}}""");
        var second = await apps.ListAsync(limit: 2, continueToken: first.Str("metadata.continue"));
        var third = await apps.ListAsync(limit: 2, continueToken: second.Str("metadata.continue"));

        Assert.Equal(["p3", "p4"], Names(second));
        Assert.Equal(["p5"], Names(third));
        Assert.Equal("1", third["items"]![0]!.Str("spec.replicas"));
        Assert.Null(third.Str("metadata.continue"));
        Assert.Equal(first.Str("metadata.resourceVersion"), second.Str("metadata.resourceVersion"));
        Assert.Equal(first.Str("metadata.resourceVersion"), third.Str("metadata.resourceVersion"));
        // A new list sees the changes.
        Assert.Equal(["p1", "p2", "p3", "p3a", "p5"], Names(await apps.ListAsync()));
    }

    [Fact]
    public async Task Replace_with_a_stale_resourceVersion_is_409_Conflict_and_changes_nothing()
    {
        var apps = await AppsAsync();
        var created = await apps.CreateAsync(Apps.Manifest("stale"));
        await apps.MergePatchAsync("stale", """{"spec":{"replicas":2}}""");

        var stale = created.DeepClone().AsObject();
        stale["spec"]!["replicas"] = 5;
        var (code, status) = await KubeClients.FailureAsync(() => apps.ReplaceAsync("stale", stale));

        Assert.Equal(HttpStatusCode.Conflict, code);
        AssertStatus(status, HttpStatusCode.Conflict, "Conflict", "stale");
        Assert.Contains("the object has been modified", status.Str("message"), StringComparison.Ordinal);
        Assert.Equal("2", (await apps.GetAsync("stale")).Str("spec.replicas"));
    }

    [Fact]
    public async Task Create_of_an_existing_name_is_409_AlreadyExists()
    {
        var apps = await AppsAsync();
        await apps.CreateAsync(Apps.Manifest("twice", code: "print(1)"));

        var (code, status) = await KubeClients.FailureAsync(() => apps.CreateAsync(Apps.Manifest("twice", code: "print(2)")));

        Assert.Equal(HttpStatusCode.Conflict, code);
        AssertStatus(status, HttpStatusCode.Conflict, "AlreadyExists", "twice");
        Assert.Equal("apps", status.Str("details.kind"));
        Assert.Equal("print(1)", (await apps.GetAsync("twice")).Str("spec.files.0.content"));
    }

    [Fact]
    public async Task An_invalid_object_is_422_Invalid_with_one_cause_per_field()
    {
        var apps = await AppsAsync();
        var manifest = Apps.Manifest("invalid");
        manifest["spec"]!["replicas"] = -1;
        manifest["spec"]!["entrypoint"] = "main.py";

        var (code, status) = await KubeClients.FailureAsync(() => apps.CreateAsync(manifest));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, code);
        AssertStatus(status, HttpStatusCode.UnprocessableEntity, "Invalid", "invalid");
        Assert.Equal("App", status.Str("details.kind"));
        var causes = status["details"]!["causes"]!.AsArray().Select(c => (c.Str("field"), c.Str("reason"))).ToList();
        Assert.Contains(("spec.replicas", "FieldValueInvalid"), causes);
        Assert.Contains(("spec.entrypoint", "FieldValueInvalid"), causes);
        await KubeClients.FailureAsync(() => apps.GetAsync("invalid"));
    }

    [Fact]
    public async Task The_status_subresource_and_the_main_resource_each_ignore_the_other_half()
    {
        var apps = await AppsAsync();
        var created = await apps.CreateAsync(Apps.Manifest("split"));

        // Status write: a changed spec in it is ignored, generation stays.
        var statusWrite = created.DeepClone().AsObject();
        statusWrite["spec"]!["replicas"] = 4;
        statusWrite["status"] = new JsonObject { ["phase"] = "Running", ["observedGeneration"] = 1 };
        var afterStatus = await apps.ReplaceStatusAsync("split", statusWrite);
        Assert.Equal("Running", afterStatus.Str("status.phase"));
        Assert.Equal("1", afterStatus.Str("spec.replicas"));
        Assert.Equal("1", afterStatus.Str("metadata.generation"));

        // Main write: a changed status in it is ignored; the spec change raises generation.
        var specWrite = afterStatus.DeepClone().AsObject();
        specWrite["spec"]!["replicas"] = 2;
        specWrite["status"]!["phase"] = "Failed";
        var afterSpec = await apps.ReplaceAsync("split", specWrite);
        Assert.Equal("2", afterSpec.Str("spec.replicas"));
        Assert.Equal("Running", afterSpec.Str("status.phase"));
        Assert.Equal("2", afterSpec.Str("metadata.generation"));

        // A metadata-only change leaves generation alone.
        var labelled = await apps.MergePatchAsync("split", """{"metadata":{"labels":{"seen":"yes"}}}""");
        Assert.Equal("2", labelled.Str("metadata.generation"));
    }

    [Fact]
    public async Task Finalizers_hold_a_deleted_object_with_a_deletionTimestamp_until_they_are_removed()
    {
        var apps = await AppsAsync();
        var manifest = Apps.Manifest("held");
        manifest["metadata"]!["finalizers"] = new JsonArray("aerogrid.io/test");
        await apps.CreateAsync(manifest);

        var (code, marked) = await apps.DeleteAsync("held");
        Assert.Equal(202, code);
        Assert.NotNull(marked.Str("metadata.deletionTimestamp"));
        Assert.NotNull((await apps.GetAsync("held")).Str("metadata.deletionTimestamp"));

        var (refused, status) = await KubeClients.FailureAsync(() =>
            apps.MergePatchAsync("held", """{"metadata":{"finalizers":["aerogrid.io/test","aerogrid.io/other"]}}"""));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused);
        AssertStatus(status, HttpStatusCode.UnprocessableEntity, "Invalid", "held");
        Assert.Equal("metadata.finalizers", status.Str("details.causes.0.field"));

        await apps.MergePatchAsync("held", """{"metadata":{"finalizers":null}}""");
        var (gone, _) = await KubeClients.FailureAsync(() => apps.GetAsync("held"));
        Assert.Equal(HttpStatusCode.NotFound, gone);
    }

    [Fact]
    public async Task Dependents_whose_owner_is_deleted_are_garbage_collected()
    {
        var client = await KubeClients.ForTenantAsync(server, Tenant);
        var apps = client.Resource(Tenant);
        var revisions = client.Resource(Tenant, "revisions");
        var owner = await apps.CreateAsync(Apps.Manifest("owner"));
        var survivor = await apps.CreateAsync(Apps.Manifest("survivor"));
        await revisions.CreateAsync(Revision("owner-1", owner));
        var held = Revision("owner-2", owner);
        held["metadata"]!["finalizers"] = new JsonArray("aerogrid.io/test");
        await revisions.CreateAsync(held);
        await revisions.CreateAsync(Revision("survivor-1", survivor));

        await apps.DeleteAsync("owner");

        await Eventually.TrueAsync(async () =>
        {
            try
            {
                await revisions.GetAsync("owner-1");
                return false;
            }
            catch (k8s.Autorest.HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
            {
                return true;
            }
        }, TimeSpan.FromSeconds(15), () => "owner-1 collected");
        // A dependent with a finalizer is marked, as any delete marks it; one whose owner lives stays.
        await Eventually.TrueAsync(async () => (await revisions.GetAsync("owner-2")).Str("metadata.deletionTimestamp") is not null,
            TimeSpan.FromSeconds(15), () => "owner-2 marked for deletion");
        Assert.Null((await revisions.GetAsync("survivor-1")).Str("metadata.deletionTimestamp"));
        await revisions.MergePatchAsync("owner-2", """{"metadata":{"finalizers":null}}""");
    }

    private static JsonObject Revision(string name, JsonObject owner) => new()
    {
        ["apiVersion"] = KubeClients.ApiVersion,
        ["kind"] = "Revision",
        ["metadata"] = new JsonObject
        {
            ["name"] = name,
            ["ownerReferences"] = new JsonArray(new JsonObject
            {
                ["apiVersion"] = KubeClients.ApiVersion,
                ["kind"] = "App",
                ["name"] = owner.Str("metadata.name"),
                ["uid"] = owner.Str("metadata.uid"),
                ["controller"] = true,
            }),
        },
        ["spec"] = new JsonObject
        {
            ["app"] = owner.Str("metadata.name"),
            ["revision"] = 1,
            ["revisionHash"] = "5e2d0c1a",
            ["image"] = "env-3f2a",
            ["files"] = new JsonArray(new JsonObject { ["path"] = "app.py", ["content"] = "print(1)" }),
        },
    };

    [Fact]
    public async Task A_body_over_3_MiB_is_413_RequestEntityTooLarge()
    {
        var apps = await AppsAsync();
        var manifest = Apps.Manifest("huge", code: new string('x', 3 * 1024 * 1024 + 1));

        var (code, status) = await KubeClients.FailureAsync(() => apps.CreateAsync(manifest));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, code);
        AssertStatus(status, HttpStatusCode.RequestEntityTooLarge, "RequestEntityTooLarge");
        Assert.Contains("limit is 3145728", status.Str("message"), StringComparison.Ordinal);
        await KubeClients.FailureAsync(() => apps.GetAsync("huge"));
    }

    [Fact]
    public async Task A_patch_never_changes_kind_or_apiVersion()
    {
        var apps = await AppsAsync();
        await apps.CreateAsync(Apps.Manifest("typed"));

        var (versionCode, versionStatus) = await KubeClients.FailureAsync(() => apps.MergePatchAsync("typed", """{"kind":"Image","apiVersion":"v9"}"""));
        var (kindCode, kindStatus) = await KubeClients.FailureAsync(() => apps.MergePatchAsync("typed", """{"kind":"Image"}"""));

        Assert.Equal(HttpStatusCode.BadRequest, versionCode);
        AssertStatus(versionStatus, HttpStatusCode.BadRequest, "BadRequest");
        Assert.Equal("the API version in the data (v9) does not match the expected API version (aerogrid.io/v1alpha1)", versionStatus.Str("message"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, kindCode);
        AssertStatus(kindStatus, HttpStatusCode.UnprocessableEntity, "Invalid");
        Assert.Equal("kind", kindStatus.Str("details.causes.0.field"));
        var stored = await apps.GetAsync("typed");
        Assert.Equal("App", stored.Str("kind"));
        Assert.Equal(KubeClients.ApiVersion, stored.Str("apiVersion"));
        Assert.Contains("typed", Names(await apps.ListAsync(fieldSelector: "metadata.name=typed")));
    }

    [Fact]
    public async Task Bad_input_is_400_with_kube_apiservers_words_and_writes_nothing()
    {
        var apps = await AppsAsync();
        var created = await apps.CreateAsync(Apps.Manifest("guarded"));
        var before = created.Str("metadata.resourceVersion");

        // KubernetesClient sends only well-formed JSON; a merge patch that is not an object is the malformed one it lets through.
        var (patchCode, patchStatus) = await KubeClients.FailureAsync(() => apps.MergePatchAsync("guarded", "[1,2]"));
        Assert.Equal(HttpStatusCode.BadRequest, patchCode);
        AssertStatus(patchStatus, HttpStatusCode.BadRequest, "BadRequest");

        var (jsonPatchCode, jsonPatchStatus) = await KubeClients.FailureAsync(() =>
            apps.JsonPatchAsync("guarded", """[{"op":"replace","path":"/spec/replicas","value":3},{"op":"test","path":"/spec/replicas","value":9}]"""));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, jsonPatchCode);
        AssertStatus(jsonPatchStatus, HttpStatusCode.UnprocessableEntity, "Invalid");

        var badVersion = created.DeepClone().AsObject();
        badVersion["metadata"]!["resourceVersion"] = "abc";
        var (versionCode, versionStatus) = await KubeClients.FailureAsync(() => apps.ReplaceAsync("guarded", badVersion));
        Assert.Equal(HttpStatusCode.BadRequest, versionCode);
        AssertStatus(versionStatus, HttpStatusCode.BadRequest, "BadRequest");

        var unknown = created.DeepClone().AsObject();
        unknown["spec"]!["replicaz"] = 2;
        var (strictCode, strictStatus) = await KubeClients.FailureAsync(() => apps.ReplaceAsync("guarded", unknown, fieldValidation: "Strict"));
        Assert.Equal(HttpStatusCode.BadRequest, strictCode);
        AssertStatus(strictStatus, HttpStatusCode.BadRequest, "BadRequest");
        Assert.Equal("strict decoding error: unknown field \"spec.replicaz\"", strictStatus.Str("message"));
        var (strictPatchCode, _) = await KubeClients.FailureAsync(() => apps.MergePatchAsync("guarded", """{"spec":{"replicaz":2}}""", fieldValidation: "Strict"));
        Assert.Equal(HttpStatusCode.BadRequest, strictPatchCode);

        var after = await apps.GetAsync("guarded");
        Assert.Equal(before, after.Str("metadata.resourceVersion"));
        Assert.Equal("1", after.Str("spec.replicas"));
    }

    [Fact]
    public async Task A_dry_run_answers_as_the_write_would_and_stores_nothing()
    {
        var apps = await AppsAsync();
        var wouldBe = await apps.CreateAsync(Apps.Manifest("dry"), dryRun: "All");
        Assert.Equal("dry", wouldBe.Str("metadata.name"));
        await KubeClients.FailureAsync(() => apps.GetAsync("dry"));

        var created = await apps.CreateAsync(Apps.Manifest("dry"));
        var (dryCode, dryStatus) = await KubeClients.FailureAsync(() => apps.CreateAsync(Apps.Manifest("dry"), dryRun: "All"));
        Assert.Equal(HttpStatusCode.Conflict, dryCode);
        AssertStatus(dryStatus, HttpStatusCode.Conflict, "AlreadyExists", "dry");
        Assert.Equal(created.Str("metadata.resourceVersion"), (await apps.GetAsync("dry")).Str("metadata.resourceVersion"));
    }

    private static List<string?> Names(JsonObject list) => [.. list["items"]!.AsArray().Select(item => item.Str("metadata.name"))];
}
