using System.Text.Json.Nodes;
using AeroGrid.Api.Meta;
using AeroGrid.Api.Resources;
using AeroGrid.Api.Schema;

namespace AeroGrid.Tests.Schema;

public sealed class OpenApiSchemaGeneratorTests
{
    private static readonly JsonObject AppSchema = OpenApiSchemaGenerator.Generate(typeof(App));
    private static readonly JsonObject ImageSchema = OpenApiSchemaGenerator.Generate(typeof(Image));

    public static TheoryData<string> ResourceKinds => [nameof(App), nameof(Image)];

    private static JsonObject SchemaOf(string kind) => kind == nameof(App) ? AppSchema : ImageSchema;

    [Fact]
    public void An_api_object_has_the_envelope_first_and_metadata_is_only_an_object()
    {
        Assert.Equal(["apiVersion", "kind", "metadata", "spec", "status"], AppSchema["properties"]!.AsObject().Select(p => p.Key));
        Assert.Equal("""{"type":"object"}""", SchemaPath.Field(AppSchema, "metadata").ToJsonString());
    }

    [Theory]
    [InlineData("spec.replicas", "integer", "int32")]
    [InlineData("status.observedGeneration", "integer", "int64")]
    [InlineData("spec.stopped", "boolean", null)]
    [InlineData("spec.entrypoint", "string", null)]
    [InlineData("status.conditions[].lastTransitionTime", "string", "date-time")]
    [InlineData("spec.files", "array", null)]
    [InlineData("spec.files[]", "object", null)]
    public void Clr_types_map_to_openapi_types_and_formats(string path, string type, string? format)
    {
        var field = SchemaPath.Field(AppSchema, path);
        Assert.Equal(type, (string?)field["type"]);
        Assert.Equal(format, (string?)field["format"]);
    }

    [Fact]
    public void Enums_list_the_names_the_api_writes() =>
        Assert.Equal("""["Pending","Building","Ready","Failed"]""", SchemaPath.Field(ImageSchema, "status.phase")["enum"]!.ToJsonString());

    [Fact]
    public void Json_property_names_are_honoured()
    {
        var status = OpenApiSchemaGenerator.Generate(typeof(Status));
        Assert.NotNull(SchemaPath.Resolve(status, "status"));
        Assert.Null(SchemaPath.Resolve(status, "outcome"));
    }

    [Fact]
    public void String_maps_become_objects_with_string_values() =>
        Assert.Equal("""{"type":"object","additionalProperties":{"type":"string"}}""",
            SchemaPath.Field(OpenApiSchemaGenerator.Generate(typeof(k8s.Models.V1ObjectMeta)), "labels").ToJsonString());

    [Fact]
    public void A_property_description_wins_over_its_type_description_and_types_describe_themselves()
    {
        Assert.Equal("The app's source files. The code travels as files; dependencies come from requirements.txt.",
            (string?)SchemaPath.Field(AppSchema, "spec.files")["description"]);
        Assert.Equal("One source file of an app.", (string?)SchemaPath.Field(AppSchema, "spec.files[]")["description"]);
        Assert.Equal("What the app should be.", (string?)SchemaPath.Field(AppSchema, "spec")["description"]);
    }

    [Fact]
    public void Data_annotations_become_validations()
    {
        var replicas = SchemaPath.Field(AppSchema, "spec.replicas");
        Assert.Equal("0", replicas["minimum"]!.ToJsonString());
        Assert.Equal(AppLimits.MaxReplicas.ToString(System.Globalization.CultureInfo.InvariantCulture), replicas["maximum"]!.ToJsonString());
        Assert.Equal(AppLimits.MaxFiles, (int?)SchemaPath.Field(AppSchema, "spec.files")["maxItems"]);
        Assert.Equal(AppLimits.MaxPathLength, (int?)SchemaPath.Field(AppSchema, "spec.files[].path")["maxLength"]);
        Assert.Equal(AppLimits.RuntimePattern, (string?)SchemaPath.Field(ImageSchema, "spec.runtime")["pattern"]);
        Assert.Equal(AppLimits.EnvNamePattern, (string?)SchemaPath.Field(AppSchema, "spec.env[].name")["pattern"]);
    }

    [Theory]
    [InlineData("spec.files[]", """["path"]""")]
    [InlineData("spec.env[]", """["name"]""")]
    [InlineData("status.conditions[]", """["lastTransitionTime","message","reason","status","type"]""")]
    public void Required_fields_are_listed_by_their_parent(string path, string required) =>
        Assert.Equal(required, SchemaPath.Field(AppSchema, path)["required"]?.ToJsonString());

    [Theory]
    [InlineData(nameof(App), "spec.files", "path")]
    [InlineData(nameof(App), "status.conditions", "type")]
    [InlineData(nameof(Image), "status.conditions", "type")]
    public void Keyed_lists_are_list_maps(string kind, string path, string key)
    {
        var list = SchemaPath.Field(SchemaOf(kind), path);
        Assert.Equal("map", (string?)list["x-kubernetes-list-type"]);
        Assert.Equal($"""["{key}"]""", list["x-kubernetes-list-map-keys"]?.ToJsonString());
    }

    [Fact]
    public void Spec_initializers_become_defaults_as_json_values()
    {
        Assert.Equal("\"app.py\"", SchemaPath.Field(AppSchema, "spec.entrypoint")["default"]?.ToJsonString());
        Assert.Equal("\"python-3.11\"", SchemaPath.Field(AppSchema, "spec.runtime")["default"]?.ToJsonString());
        Assert.Equal("1", SchemaPath.Field(AppSchema, "spec.replicas")["default"]?.ToJsonString());
        Assert.Equal("\"python-3.11\"", SchemaPath.Field(ImageSchema, "spec.runtime")["default"]?.ToJsonString());
    }

    [Theory]
    [InlineData("spec.stopped")]
    [InlineData("spec.files")]
    [InlineData("spec.env")]
    [InlineData("spec.files[].path")]
    [InlineData("apiVersion")]
    [InlineData("kind")]
    [InlineData("status.conditions[].status")]
    public void Zero_values_envelope_and_status_fields_get_no_default(string path) =>
        Assert.Null(SchemaPath.Field(AppSchema, path)["default"]);

    [Theory]
    [MemberData(nameof(ResourceKinds))]
    public void The_schema_is_structural(string kind)
    {
        var problems = new List<string>();
        CheckStructural(SchemaOf(kind), kind, problems);
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void A_list_map_key_that_may_be_missing_is_refused()
    {
        var error = Assert.Throws<InvalidOperationException>(() => OpenApiSchemaGenerator.Generate(typeof(ListWithOptionalKey)));
        Assert.Contains("keyed by content", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(typeof(WithNumericEnum))]
    [InlineData(typeof(WithDouble))]
    public void Types_without_a_mapping_are_refused(Type type) =>
        Assert.Throws<NotSupportedException>(() => OpenApiSchemaGenerator.Generate(type));

    [Fact]
    public void Recursive_types_are_refused_rather_than_overflowing_the_stack() =>
        Assert.Throws<InvalidOperationException>(() => OpenApiSchemaGenerator.Generate(typeof(Tree)));

    /// <summary>The structural-schema rules the API server enforces on a CRD that a generator could break.</summary>
    private static void CheckStructural(JsonObject schema, string path, List<string> problems)
    {
        if (schema["type"] is null)
        {
            problems.Add($"{path}: no type");
        }
        if (schema["properties"] is not null && schema["additionalProperties"] is not null)
        {
            problems.Add($"{path}: both properties and additionalProperties");
        }
        foreach (var (name, property) in schema["properties"]?.AsObject() ?? new JsonObject())
        {
            CheckStructural(property!.AsObject(), $"{path}.{name}", problems);
        }
        foreach (var keyword in new[] { "items", "additionalProperties" })
        {
            if (schema[keyword] is JsonObject child)
            {
                CheckStructural(child, $"{path}.{keyword}", problems);
            }
        }
    }

    private sealed record ListWithOptionalKey
    {
        [ListMapKey("content")]
        public List<AppFile> Files { get; init; } = [];
    }

    private enum Numeric
    {
        One,
    }

    private sealed record WithNumericEnum(Numeric Value);

    private sealed record WithDouble(double Value);

    private sealed record Tree(List<Tree> Children);
}
