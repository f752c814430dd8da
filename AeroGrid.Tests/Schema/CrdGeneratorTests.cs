using System.Text.Json.Nodes;
using AeroGrid.Api.Meta;
using AeroGrid.Api.Resources;
using AeroGrid.Api.Schema;

namespace AeroGrid.Tests.Schema;

public sealed class CrdGeneratorTests
{
    private static readonly JsonObject ObjectMetaSchema = OpenApiSchemaGenerator.Generate(typeof(k8s.Models.V1ObjectMeta));

    public static TheoryData<string> CustomKinds => [.. ResourceDefinitions.Custom.Select(definition => definition.Kind)];

    private static ResourceDefinition Definition(string kind) => ResourceDefinitions.Custom.Single(definition => definition.Kind == kind);

    private static JsonNode Version(JsonObject crd) => crd["spec"]!["versions"]!.AsArray().Single()!;

    [Fact]
    public void There_is_one_crd_per_custom_kind() =>
        Assert.Equal(["apps.aerogrid.io", "images.aerogrid.io", "revisions.aerogrid.io"], CrdGenerator.GenerateAll().Select(crd => (string?)crd["metadata"]!["name"]));

    [Fact]
    public void The_app_crd_names_the_kind_the_way_kubectl_uses_it()
    {
        var crd = CrdGenerator.Generate(ResourceDefinitions.App);
        Assert.Equal("apiextensions.k8s.io/v1", (string?)crd["apiVersion"]);
        Assert.Equal("CustomResourceDefinition", (string?)crd["kind"]);
        Assert.Equal("""{"app.kubernetes.io/part-of":"aerogrid"}""", crd["metadata"]!["labels"]!.ToJsonString());
        Assert.Equal("aerogrid.io", (string?)crd["spec"]!["group"]);
        Assert.Equal("Namespaced", (string?)crd["spec"]!["scope"]);
        Assert.Equal(
            """{"plural":"apps","singular":"app","kind":"App","listKind":"AppList","shortNames":["agapp"],"categories":["aerogrid"]}""",
            crd["spec"]!["names"]!.ToJsonString());
    }

    [Theory]
    [MemberData(nameof(CustomKinds))]
    public void The_one_version_is_served_stored_and_has_a_status_subresource_when_the_kind_has_a_status(string kind)
    {
        var version = Version(CrdGenerator.Generate(Definition(kind)));
        Assert.Equal(AeroGridApi.Version, (string?)version["name"]);
        Assert.True((bool?)version["served"]);
        Assert.True((bool?)version["storage"]);
        Assert.Equal(Definition(kind).HasStatus ? """{"status":{}}""" : null, version["subresources"]?.ToJsonString());
        Assert.Equal(
            OpenApiSchemaGenerator.Generate(Definition(kind).ClrType).ToJsonString(),
            version["schema"]!["openAPIV3Schema"]!.ToJsonString());
    }

    [Fact]
    public void The_app_printer_columns_show_phase_revision_url_message_and_age()
    {
        var columns = Version(CrdGenerator.Generate(ResourceDefinitions.App))["additionalPrinterColumns"]!.AsArray();
        Assert.Equal(
            [
                """{"name":"Phase","type":"string","jsonPath":".status.phase","description":"What the app is doing."}""",
                """{"name":"Revision","type":"integer","jsonPath":".status.revision","description":"The serving revision."}""",
                """{"name":"URL","type":"string","jsonPath":".status.url","description":"Where the app answers."}""",
                """{"name":"Message","type":"string","jsonPath":".status.message","description":"What is happening.","priority":1}""",
                """{"name":"Age","type":"date","jsonPath":".metadata.creationTimestamp"}""",
            ],
            columns.Select(column => column!.ToJsonString()));
    }

    [Fact]
    public void The_image_printer_columns_show_phase_runtime_reference_and_age() =>
        Assert.Equal(
            [("Phase", ".status.phase"), ("Runtime", ".spec.runtime"), ("Reference", ".status.reference"), ("Age", ".metadata.creationTimestamp")],
            Version(CrdGenerator.Generate(ResourceDefinitions.Image))["additionalPrinterColumns"]!.AsArray()
                .Select(column => ((string)column!["name"]!, (string)column["jsonPath"]!)));

    [Fact]
    public void A_revision_is_a_snapshot_without_status_and_its_columns_show_app_revision_hash_and_age()
    {
        var crd = CrdGenerator.Generate(ResourceDefinitions.Revision);
        Assert.Equal(
            """{"plural":"revisions","singular":"revision","kind":"Revision","listKind":"RevisionList","shortNames":["agrev"],"categories":["aerogrid"]}""",
            crd["spec"]!["names"]!.ToJsonString());
        Assert.Equal("Namespaced", (string?)crd["spec"]!["scope"]);
        var version = Version(crd);
        Assert.Null(version["schema"]!["openAPIV3Schema"]!["properties"]!["status"]);
        Assert.Equal(
            [("App", ".spec.app"), ("Revision", ".spec.revision"), ("Hash", ".spec.revisionHash"), ("Image", ".spec.image"), ("Age", ".metadata.creationTimestamp")],
            version["additionalPrinterColumns"]!.AsArray().Select(column => ((string)column!["name"]!, (string)column["jsonPath"]!)));
    }

    [Theory]
    [MemberData(nameof(CustomKinds))]
    public void Every_printer_column_points_at_a_field_of_its_type(string kind)
    {
        var version = Version(CrdGenerator.Generate(Definition(kind)));
        var schema = version["schema"]!["openAPIV3Schema"]!.AsObject();
        foreach (var column in version["additionalPrinterColumns"]!.AsArray())
        {
            var path = (string)column!["jsonPath"]!;
            // The CRD only says metadata is an object; the API server fills it as ObjectMeta.
            var field = path.StartsWith(".metadata.", StringComparison.Ordinal)
                ? SchemaPath.Resolve(ObjectMetaSchema, path[".metadata".Length..])
                : SchemaPath.Resolve(schema, path);
            Assert.True(field is not null, $"{kind} column {column["name"]}: {path} is not a field");
            var (type, format) = ((string?)field["type"], (string?)field["format"]);
            var expected = (string)column["type"]! switch
            {
                "date" => type == "string" && format == "date-time",
                "number" => type is "number" or "integer",
                var columnType => type == columnType,
            };
            Assert.True(expected, $"{kind} column {column["name"]} of type {column["type"]} shows {path} of type {type} {format}");
        }
    }

    [Fact]
    public void A_core_kind_cannot_become_a_crd() =>
        Assert.Throws<ArgumentException>(() => CrdGenerator.Generate(ResourceDefinitions.Namespace));
}
