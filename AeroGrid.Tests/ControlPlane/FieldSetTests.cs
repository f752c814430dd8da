using System.Text.Json;
using System.Text.Json.Nodes;
using AeroGrid.Api.Resources;
using AeroGrid.Api.Schema;
using AeroGrid.Api.Serialization;
using AeroGrid.ControlPlane.Api.Patching;

namespace AeroGrid.Tests.ControlPlane;

/// <summary>The fieldsV1 sets of managedFields and the schema-aware field walks server-side apply stands on.</summary>
public sealed class FieldSetTests
{
    private static readonly JsonObject AppSchema = OpenApiSchemaGenerator.Generate(typeof(App));

    private static JsonObject App(string replicas = "1", string files = """[{"path":"app.py","content":"x"}]""") =>
        new()
        {
            ["metadata"] = JsonNode.Parse("""{"labels":{"tier":"gold"}}"""),
            ["spec"] = new JsonObject
            {
                ["replicas"] = JsonNode.Parse(replicas),
                ["files"] = JsonNode.Parse(files),
                ["env"] = JsonNode.Parse("""[{"name":"A","value":"1"}]"""),
            },
        };

    [Fact]
    public void Fields_of_an_object_are_its_leaves_and_its_list_map_items_by_key()
    {
        var fields = ObjectFields.Of(App(), AppSchema).ToFieldsV1();

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""
            {"f:metadata":{"f:labels":{"f:tier":{}}},
             "f:spec":{"f:env":{"k:{\"name\":\"A\"}":{".":{},"f:name":{},"f:value":{}}},
                       "f:files":{"k:{\"path\":\"app.py\"}":{".":{},"f:content":{},"f:path":{}}},
                       "f:replicas":{}}}
            """), fields), fields.ToJsonString());
    }

    [Fact]
    public void FieldsV1_reads_back_to_the_same_set()
    {
        var set = ObjectFields.Of(App(), AppSchema);
        var read = FieldSet.Parse(JsonNode.Parse(set.ToFieldsV1().ToJsonString()));

        Assert.True(read.SetEquals(set));
        Assert.True(read.Contains(["f:spec", "f:files", "k:{\"path\":\"app.py\"}"]));
        Assert.False(read.Contains(["f:spec", "f:files"]));
        Assert.True(read.Touches(["f:spec", "f:files"]));
    }

    [Fact]
    public void Compare_names_what_changed_and_the_roots_of_what_went()
    {
        var before = App(files: """[{"path":"app.py","content":"x"},{"path":"util.py","content":"y"}]""");
        var after = App(replicas: "2", files: """[{"path":"app.py","content":"z"},{"path":"new.py","content":"n"}]""");

        var (changed, removed) = ObjectFields.Compare(before, after, AppSchema);

        Assert.Equal(
            [".spec.files[path=\"app.py\"].content", ".spec.files[path=\"new.py\"]", ".spec.files[path=\"new.py\"].content",
             ".spec.files[path=\"new.py\"].path", ".spec.replicas"],
            changed.Paths().Select(FieldSet.Format).Order(StringComparer.Ordinal));
        Assert.Contains(".spec.files[path=\"util.py\"]", removed.Paths().Select(FieldSet.Format));
        Assert.Empty(changed.Intersect(ObjectFields.Of(JsonNode.Parse("""{"metadata":{"labels":{"tier":"gold"}}}"""), AppSchema)).Paths());
    }

    [Fact]
    public void Remove_takes_out_list_map_items_and_fields_but_never_an_items_key()
    {
        var app = App(files: """[{"path":"app.py","content":"x"},{"path":"util.py","content":"y"}]""");

        ObjectFields.Remove(app, ["f:spec", "f:files", "k:{\"path\":\"util.py\"}"], AppSchema);
        ObjectFields.Remove(app, ["f:spec", "f:files", "k:{\"path\":\"app.py\"}", "f:path"], AppSchema);
        ObjectFields.Remove(app, ["f:spec", "f:files", "k:{\"path\":\"app.py\"}", "f:content"], AppSchema);
        ObjectFields.Remove(app, ["f:metadata", "f:labels", "f:tier"], AppSchema);

        Assert.Equal("""[{"path":"app.py"}]""", app["spec"]!["files"]!.ToJsonString());
        Assert.Equal("{}", app["metadata"]!["labels"]!.ToJsonString());
    }

    [Fact]
    public void Managed_fields_survive_a_round_trip_through_V1ObjectMeta()
    {
        // What Normalize does to every stored object: read it through its C# type and write it again.
        var entry = new k8s.Models.V1ManagedFieldsEntry
        {
            Manager = "kubectl",
            Operation = "Apply",
            ApiVersion = "aerogrid.io/v1alpha1",
            Time = new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc),
            FieldsType = "FieldsV1",
            FieldsV1 = ObjectFields.Of(App(), AppSchema).ToFieldsV1(),
        };
        var written = JsonSerializer.SerializeToNode(new List<k8s.Models.V1ManagedFieldsEntry> { entry }, ApiJson.Options)!;
        var app = new JsonObject
        {
            ["apiVersion"] = "aerogrid.io/v1alpha1",
            ["kind"] = "App",
            ["metadata"] = new JsonObject { ["name"] = "a", ["managedFields"] = written },
            ["spec"] = new JsonObject(),
        };

        var again = JsonSerializer.SerializeToNode(app.Deserialize<App>(ApiJson.Options), ApiJson.Options)!;

        Assert.True(JsonNode.DeepEquals(written, again["metadata"]!["managedFields"]), again["metadata"]!.ToJsonString());
        Assert.Equal("2026-01-02T03:04:05Z", written[0]!["time"]!.GetValue<string>());
    }

    [Fact]
    public void An_apply_body_may_be_YAML_read_with_its_types()
    {
        var config = ServerSideApply.ReadConfiguration("""
            apiVersion: aerogrid.io/v1alpha1
            kind: App
            metadata:
              name: a
            spec:
              replicas: 2
              stopped: yes
              runtime: "3"
            """);

        Assert.Equal("""{"apiVersion":"aerogrid.io/v1alpha1","kind":"App","metadata":{"name":"a"},"spec":{"replicas":2,"stopped":true,"runtime":"3"}}""", config.ToJsonString());
    }
}
