using System.Net;
using System.Text.Json.Nodes;
using AeroGrid.Tests.Infrastructure;

namespace AeroGrid.Tests.ControlPlane;

/// <summary>The Kubernetes REST conventions of the local control plane, over real HTTP against the real process.</summary>
public sealed class ResourceApiTests(ControlPlaneFixture server) : IClassFixture<ControlPlaneFixture>
{
    private async Task<HttpClient> AcmeAsync() => server.Client(await server.TokenAsync("acme"));

    [Fact]
    public async Task Create_sets_the_server_owned_metadata_and_ignores_status()
    {
        using var http = await AcmeAsync();
        var manifest = Apps.Manifest("create-me");
        manifest["status"] = new JsonObject { ["phase"] = "Running" };

        var (status, created) = await http.PostJsonAsync(Apps.Collection("acme"), manifest);

        Assert.Equal(HttpStatusCode.Created, status);
        Assert.NotNull(created.Str("metadata.uid"));
        Assert.NotNull(created.Str("metadata.resourceVersion"));
        Assert.NotNull(created.Str("metadata.creationTimestamp"));
        Assert.Equal("1", created.Str("metadata.generation"));
        Assert.Equal("acme", created.Str("metadata.namespace"));
        Assert.Null(created["status"]);
        Assert.Equal("app.py", created.Str("spec.entrypoint"));
        var (_, fetched) = await http.GetJsonAsync(Apps.Item("acme", "create-me"));
        Assert.True(JsonNode.DeepEquals(created, fetched));
    }

    [Fact]
    public async Task GenerateName_gets_a_random_suffix()
    {
        using var http = await AcmeAsync();
        var manifest = Apps.Manifest("");
        manifest["metadata"] = new JsonObject { ["generateName"] = "gen-" };

        var (status, created) = await http.PostJsonAsync(Apps.Collection("acme"), manifest);

        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Matches("^gen-[a-z0-9]{5}$", created.Str("metadata.name"));
    }

    [Fact]
    public async Task Creating_twice_is_AlreadyExists()
    {
        using var http = await AcmeAsync();
        await http.PostJsonAsync(Apps.Collection("acme"), Apps.Manifest("twice"));

        var (status, body) = await http.PostJsonAsync(Apps.Collection("acme"), Apps.Manifest("twice"));

        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Equal("Status", body.Str("kind"));
        Assert.Equal("AlreadyExists", body.Str("reason"));
        Assert.Equal("409", body.Str("code"));
    }

    [Fact]
    public async Task A_stale_resourceVersion_is_a_Conflict_and_changes_nothing()
    {
        using var http = await AcmeAsync();
        var (_, created) = await http.PostJsonAsync(Apps.Collection("acme"), Apps.Manifest("stale"));
        var first = (JsonObject)created.DeepClone();
        first["spec"]!["replicas"] = 2;
        var (okStatus, updated) = await http.PutJsonAsync(Apps.Item("acme", "stale"), first);
        Assert.Equal(HttpStatusCode.OK, okStatus);

        var second = (JsonObject)created.DeepClone();
        second["spec"]!["replicas"] = 3;
        var (status, body) = await http.PutJsonAsync(Apps.Item("acme", "stale"), second);

        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Equal("Conflict", body.Str("reason"));
        var (_, current) = await http.GetJsonAsync(Apps.Item("acme", "stale"));
        Assert.Equal("2", current.Str("spec.replicas"));
        Assert.Equal(updated.Str("metadata.resourceVersion"), current.Str("metadata.resourceVersion"));
    }

    [Fact]
    public async Task The_main_resource_ignores_status_and_the_status_subresource_ignores_the_rest()
    {
        using var http = await AcmeAsync();
        var (_, created) = await http.PostJsonAsync(Apps.Collection("acme"), Apps.Manifest("split"));

        var withStatus = (JsonObject)created.DeepClone();
        withStatus["status"] = new JsonObject { ["phase"] = "Running" };
        withStatus["metadata"]!["labels"] = new JsonObject { ["team"] = "a" };
        var (_, afterMain) = await http.PutJsonAsync(Apps.Item("acme", "split"), withStatus);
        Assert.Null(afterMain["status"]);
        Assert.Equal("a", afterMain.Str("metadata.labels.team"));
        Assert.Equal("1", afterMain.Str("metadata.generation"));

        var statusUpdate = (JsonObject)afterMain.DeepClone();
        statusUpdate["status"] = new JsonObject { ["phase"] = "Running", ["observedGeneration"] = 1 };
        statusUpdate["spec"]!["replicas"] = 5;
        statusUpdate["metadata"]!["labels"] = new JsonObject { ["team"] = "b" };
        var (statusCode, afterStatus) = await http.PutJsonAsync(Apps.Item("acme", "split") + "/status", statusUpdate);

        Assert.Equal(HttpStatusCode.OK, statusCode);
        Assert.Equal("Running", afterStatus.Str("status.phase"));
        Assert.Equal("1", afterStatus.Str("spec.replicas"));
        Assert.Equal("a", afterStatus.Str("metadata.labels.team"));
        Assert.Equal("1", afterStatus.Str("metadata.generation"));
    }

    [Fact]
    public async Task Generation_rises_only_when_the_spec_changes()
    {
        using var http = await AcmeAsync();
        await http.PostJsonAsync(Apps.Collection("acme"), Apps.Manifest("gen"));

        var (_, labelled) = await http.MergePatchAsync(Apps.Item("acme", "gen"), JsonNode.Parse("""{"metadata":{"labels":{"x":"y"}}}""")!);
        Assert.Equal("1", labelled.Str("metadata.generation"));

        var (_, edited) = await http.MergePatchAsync(Apps.Item("acme", "gen"), JsonNode.Parse("""{"spec":{"stopped":true}}""")!);
        Assert.Equal("2", edited.Str("metadata.generation"));

        var (_, same) = await http.MergePatchAsync(Apps.Item("acme", "gen"), JsonNode.Parse("""{"spec":{"stopped":true}}""")!);
        Assert.Equal("2", same.Str("metadata.generation"));
        Assert.Equal(edited.Str("metadata.resourceVersion"), same.Str("metadata.resourceVersion"));
    }

    [Fact]
    public async Task Merge_patch_and_json_patch_change_the_object()
    {
        using var http = await AcmeAsync();
        await http.PostJsonAsync(Apps.Collection("acme"), Apps.Manifest("patchy"));

        var (mergeStatus, merged) = await http.MergePatchAsync(Apps.Item("acme", "patchy"), JsonNode.Parse("""{"spec":{"replicas":3}}""")!);
        Assert.Equal(HttpStatusCode.OK, mergeStatus);
        Assert.Equal("3", merged.Str("spec.replicas"));

        var operations = JsonNode.Parse("""
            [{"op":"test","path":"/spec/replicas","value":3},
             {"op":"add","path":"/spec/files/-","value":{"path":"util.py","content":"x = 1"}},
             {"op":"replace","path":"/spec/replicas","value":4}]
            """)!;
        var (jsonStatus, patched) = await http.SendAsync(HttpMethod.Patch, Apps.Item("acme", "patchy"), operations, "application/json-patch+json");
        Assert.Equal(HttpStatusCode.OK, jsonStatus);
        Assert.Equal("4", patched.Str("spec.replicas"));
        Assert.Equal("util.py", patched["spec"]!["files"]![1]!.Str("path"));

        var failing = JsonNode.Parse("""[{"op":"test","path":"/spec/replicas","value":99}]""")!;
        var (testStatus, _) = await http.SendAsync(HttpMethod.Patch, Apps.Item("acme", "patchy"), failing, "application/json-patch+json");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, testStatus);

        var (staleStatus, _) = await http.MergePatchAsync(Apps.Item("acme", "patchy"), JsonNode.Parse("""{"metadata":{"resourceVersion":"1"},"spec":{"replicas":1}}""")!);
        Assert.Equal(HttpStatusCode.Conflict, staleStatus);

        var (mediaStatus, media) = await http.SendAsync(HttpMethod.Patch, Apps.Item("acme", "patchy"), JsonNode.Parse("{}")!, "application/strategic-merge-patch+json");
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, mediaStatus);
        Assert.Equal("UnsupportedMediaType", media.Str("reason"));
    }

    [Fact]
    public async Task Finalizers_hold_a_deleted_object_until_they_are_removed()
    {
        using var http = await AcmeAsync();
        var manifest = Apps.Manifest("held");
        manifest["metadata"]!["finalizers"] = new JsonArray("aerogrid.io/cleanup");
        await http.PostJsonAsync(Apps.Collection("acme"), manifest);

        var (deleteStatus, deleting) = await http.DeleteJsonAsync(Apps.Item("acme", "held"));
        Assert.Equal(HttpStatusCode.Accepted, deleteStatus);
        Assert.NotNull(deleting.Str("metadata.deletionTimestamp"));
        var (getStatus, _) = await http.GetJsonAsync(Apps.Item("acme", "held"));
        Assert.Equal(HttpStatusCode.OK, getStatus);

        var (addStatus, added) = await http.MergePatchAsync(Apps.Item("acme", "held"),
            JsonNode.Parse("""{"metadata":{"finalizers":["aerogrid.io/cleanup","other"]}}""")!);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, addStatus);
        Assert.Contains("no new finalizers", added.Str("message"), StringComparison.Ordinal);

        var (removeStatus, _) = await http.MergePatchAsync(Apps.Item("acme", "held"), JsonNode.Parse("""{"metadata":{"finalizers":null}}""")!);
        Assert.Equal(HttpStatusCode.OK, removeStatus);
        var (goneStatus, gone) = await http.GetJsonAsync(Apps.Item("acme", "held"));
        Assert.Equal(HttpStatusCode.NotFound, goneStatus);
        Assert.Equal("NotFound", gone.Str("reason"));
    }

    [Fact]
    public async Task Delete_without_finalizers_removes_at_once()
    {
        using var http = await AcmeAsync();
        await http.PostJsonAsync(Apps.Collection("acme"), Apps.Manifest("quick"));

        var (status, _) = await http.DeleteJsonAsync(Apps.Item("acme", "quick"));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetJsonAsync(Apps.Item("acme", "quick"))).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await http.DeleteJsonAsync(Apps.Item("acme", "quick"))).Status);
    }

    [Fact]
    public async Task Invalid_apps_are_refused_with_a_cause_per_field()
    {
        using var http = await AcmeAsync();
        var manifest = Apps.Manifest("Bad_Name");
        manifest["spec"] = JsonNode.Parse("""
            {"files":[{"path":"../x.py","content":""},{"path":"requirements.txt","content":"--index-url https://evil.example/simple"}],
             "entrypoint":"main.py","replicas":50,"resources":{"requests":{"cpu":"lots"}}}
            """);

        var (status, body) = await http.PostJsonAsync(Apps.Collection("acme"), manifest);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Equal("Invalid", body.Str("reason"));
        var fields = body["details"]!["causes"]!.AsArray().Select(c => c.Str("field")).ToList();
        Assert.Contains("metadata.name", fields);
        Assert.Contains("spec.files[0].path", fields);
        Assert.Contains("spec.files[1].content", fields);
        Assert.Contains("spec.entrypoint", fields);
        Assert.Contains("spec.replicas", fields);
        Assert.Contains("spec.resources.requests.cpu", fields);
    }

    [Fact]
    public async Task Unknown_fields_are_pruned_or_refused_when_strict()
    {
        using var http = await AcmeAsync();
        var manifest = Apps.Manifest("pruned");
        manifest["spec"]!["colour"] = "blue";

        var (strictStatus, strict) = await http.PostJsonAsync(Apps.Collection("acme") + "?fieldValidation=Strict", manifest);
        Assert.Equal(HttpStatusCode.BadRequest, strictStatus);
        Assert.Contains("spec.colour", strict.Str("message"), StringComparison.Ordinal);

        var (status, created) = await http.PostJsonAsync(Apps.Collection("acme"), manifest);
        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Null(created["spec"]!["colour"]);
    }

    [Fact]
    public async Task Bad_input_gets_a_Status_not_a_stack_trace()
    {
        using var http = await AcmeAsync();
        using var content = new StringContent("{not json", System.Text.Encoding.UTF8, "application/json");
        using var response = await http.PostAsync(Apps.Collection("acme"), content);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("Status", body.Str("kind"));
        Assert.DoesNotContain("   at ", body.Str("message"), StringComparison.Ordinal);

        // Another kind on a custom resource's path is 422 Invalid on "kind", as kube-apiserver answers it.
        var (kindStatus, kindBody) = await http.PostJsonAsync(Apps.Collection("acme"), JsonNode.Parse("""{"kind":"Image","apiVersion":"aerogrid.io/v1alpha1","metadata":{"name":"x"}}""")!);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, kindStatus);
        Assert.Equal("kind", kindBody.Str("details.causes.0.field"));
    }

    [Fact]
    public async Task Apps_need_an_existing_namespace()
    {
        using var http = server.Client(await server.AdminTokenAsync());

        var (status, body) = await http.PostJsonAsync(Apps.Collection("nowhere"), Apps.Manifest("lost"));

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Contains("namespaces \"nowhere\" not found", body.Str("message"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Lists_filter_by_label_and_page_with_continue()
    {
        using var admin = server.Client(await server.AdminTokenAsync());
        await admin.PostJsonAsync("/api/v1/namespaces", JsonNode.Parse("""{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"paging"}}""")!);
        for (var i = 0; i < 7; i++)
        {
            var labels = new Dictionary<string, string> { ["tier"] = i % 2 == 0 ? "web" : "worker", ["n"] = i.ToString(System.Globalization.CultureInfo.InvariantCulture) };
            await admin.PostJsonAsync(Apps.Collection("paging"), Apps.Manifest($"app-{i}", labels: labels));
        }

        var names = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var (_, page) = await admin.GetJsonAsync(Apps.Collection("paging") + "?limit=3" + (token is null ? "" : "&continue=" + token));
            names.AddRange(page["items"]!.AsArray().Select(item => item.Str("metadata.name")!));
            token = page.Str("metadata.continue");
            pages++;
        }
        while (token is not null);
        Assert.Equal(3, pages);
        Assert.Equal(Enumerable.Range(0, 7).Select(i => $"app-{i}"), names);

        var (_, web) = await admin.GetJsonAsync(Apps.Collection("paging") + "?labelSelector=tier%3Dweb");
        Assert.Equal(4, web["items"]!.AsArray().Count);
        var (_, setBased) = await admin.GetJsonAsync(Apps.Collection("paging") + "?labelSelector=" + Uri.EscapeDataString("tier in (worker),n notin (1)"));
        Assert.Equal(["app-3", "app-5"], setBased["items"]!.AsArray().Select(item => item.Str("metadata.name")));
        var (_, byName) = await admin.GetJsonAsync(Apps.Collection("paging") + "?fieldSelector=metadata.name%3Dapp-2");
        Assert.Single(byName["items"]!.AsArray());
    }

    [Fact]
    public async Task A_revision_is_a_snapshot_named_as_a_subdomain_without_a_status_subresource()
    {
        using var http = await AcmeAsync();
        var app = new string('r', 63);
        var collection = "/apis/aerogrid.io/v1alpha1/namespaces/acme/revisions";
        var revision = JsonNode.Parse($$$"""
            {"apiVersion":"aerogrid.io/v1alpha1","kind":"Revision","metadata":{"name":"{{{app}}}-12"},
             "spec":{"app":"{{{app}}}","revision":12,"revisionHash":"9c1e","image":"env-3f2a","files":[{"path":"app.py","content":"print(1)"}]}}
            """)!;

        var (created, body) = await http.PostJsonAsync(collection + "?fieldValidation=Strict", revision);
        Assert.Equal(HttpStatusCode.Created, created);
        Assert.Null(body["status"]);
        Assert.Equal("python-3.11", body.Str("spec.runtime"));
        var (replaced, _) = await http.PutJsonAsync($"{collection}/{app}-12?fieldValidation=Strict", body);
        Assert.Equal(HttpStatusCode.OK, replaced);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetJsonAsync($"{collection}/{app}-12/status")).Status);

        var (_, discovery) = await http.GetJsonAsync("/apis/aerogrid.io/v1alpha1");
        var resources = discovery["resources"]!.AsArray().Select(resource => resource.Str("name")).ToList();
        Assert.Contains("revisions", resources);
        Assert.DoesNotContain("revisions/status", resources);
        Assert.Contains("apps/log", resources);
        Assert.Contains("images/log", resources);
    }

    [Fact]
    public async Task Deleting_a_tenant_deletes_its_apps()
    {
        using var admin = server.Client(await server.AdminTokenAsync());
        await admin.PostJsonAsync("/api/v1/namespaces", JsonNode.Parse("""{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"leaving"}}""")!);
        await admin.PostJsonAsync(Apps.Collection("leaving"), Apps.Manifest("one"));
        var held = Apps.Manifest("held");
        held["metadata"]!["finalizers"] = new JsonArray("aerogrid.io/cleanup");
        await admin.PostJsonAsync(Apps.Collection("leaving"), held);

        var (status, terminating) = await admin.DeleteJsonAsync("/api/v1/namespaces/leaving");
        Assert.Equal(HttpStatusCode.Accepted, status);
        Assert.Equal("Terminating", terminating.Str("status.phase"));
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetJsonAsync(Apps.Item("leaving", "one"))).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await admin.PostJsonAsync(Apps.Collection("leaving"), Apps.Manifest("late"))).Status);

        await admin.MergePatchAsync(Apps.Item("leaving", "held"), JsonNode.Parse("""{"metadata":{"finalizers":null}}""")!);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetJsonAsync("/api/v1/namespaces/leaving")).Status);
    }
}
