using System.Text.Json;
using System.Text.Json.Nodes;
using AeroGrid.Api.Meta;
using AeroGrid.Api.Resources;
using AeroGrid.Api.Schema;
using AeroGrid.Api.Serialization;
using AeroGrid.Tests.Infrastructure;
using NJsonSchema;
using NJsonSchema.Validation;

namespace AeroGrid.Tests.Schema;

/// <summary>Objects the API writes pass the CRD's schema, and objects the API would refuse do not.</summary>
public sealed class ResourceSchemaValidationTests
{
    private static readonly DateTime Noon = new(2025, 6, 1, 12, 0, 0, DateTimeKind.Utc);

    private static readonly App ValidApp = new()
    {
        Metadata = new() { Name = "orders", NamespaceProperty = "acme", Generation = 3, CreationTimestamp = Noon, Labels = new Dictionary<string, string> { ["team"] = "desk" } },
        Spec = new()
        {
            Files =
            [
                new() { Path = "app.py", Content = "import aerogrid\napp = aerogrid.App()\n" },
                new() { Path = "requirements.txt", Content = "requests==2.31.0\n" },
            ],
            Replicas = 2,
            Env = [new() { Name = "LOG_LEVEL", Value = "debug" }],
        },
        Status = new()
        {
            Phase = AppPhase.Running,
            ObservedGeneration = 3,
            Revision = 3,
            Image = "aerogrid-env:3f2a",
            Url = "/apps/acme/orders",
            ReadyReplicas = 2,
            Message = "Serving revision 3.",
            Conditions = [new() { Type = "Ready", Status = ConditionStatus.True, Reason = "RevisionReady", Message = "Serving.", LastTransitionTime = Noon, ObservedGeneration = 3 }],
        },
    };

    private static readonly Image ValidImage = new()
    {
        Metadata = new() { Name = "env-3f2a", NamespaceProperty = "acme" },
        Spec = new() { Requirements = "requests==2.31.0\n" },
        Status = new()
        {
            Phase = ImagePhase.Ready,
            Hash = "3f2a",
            Reference = "registry.local/aerogrid-env:3f2a",
            LogTail = "Successfully installed requests-2.31.0\n",
            Conditions = [new() { Type = "Ready", Status = ConditionStatus.True, Reason = "Built", Message = "", LastTransitionTime = Noon }],
        },
    };

    private static readonly Revision ValidRevision = new()
    {
        Metadata = new()
        {
            Name = "orders-3",
            NamespaceProperty = "acme",
            CreationTimestamp = Noon,
            Labels = new Dictionary<string, string> { [Revision.AppLabel] = "orders", [Revision.RevisionLabel] = "3" },
            OwnerReferences = [new() { ApiVersion = AeroGridApi.GroupVersion, Kind = App.KindName, Name = "orders", Uid = "5b0c", Controller = true, BlockOwnerDeletion = true }],
        },
        Spec = new()
        {
            App = "orders",
            Revision = 3,
            RevisionHash = "9c1e77d0a4b2f3e8",
            Image = "env-3f2a",
            Files = ValidApp.Spec.Files,
            Env = ValidApp.Spec.Env,
        },
    };

    public static TheoryData<string> Kinds => [nameof(App), nameof(Image), nameof(Revision)];

    /// <summary>Each row breaks one rule of a valid object: where (a JSON pointer), how (new JSON, or null to remove), and what the schema must say.</summary>
    public static TheoryData<string, string, string?, ValidationErrorKind> Invalid => new()
    {
        { nameof(App), "/spec/replicas", "99", ValidationErrorKind.NumberTooBig },
        { nameof(App), "/spec/replicas", "-1", ValidationErrorKind.NumberTooSmall },
        { nameof(App), "/spec/replicas", "\"2\"", ValidationErrorKind.IntegerExpected },
        { nameof(App), "/spec/replicas", "1.5", ValidationErrorKind.IntegerExpected },
        { nameof(App), "/spec/stopped", "\"true\"", ValidationErrorKind.BooleanExpected },
        { nameof(App), "/spec/runtime", "\"ruby-3.3\"", ValidationErrorKind.PatternMismatch },
        { nameof(App), "/spec/entrypoint", JsonString(new string('a', AppLimits.MaxPathLength + 1)), ValidationErrorKind.StringTooLong },
        { nameof(App), "/spec/files", "{}", ValidationErrorKind.ArrayExpected },
        { nameof(App), "/spec/files", TooManyFiles(), ValidationErrorKind.TooManyItems },
        { nameof(App), "/spec/files/0/path", null, ValidationErrorKind.PropertyRequired },
        { nameof(App), "/spec/files/0/content", "7", ValidationErrorKind.StringExpected },
        { nameof(App), "/spec/env/0/name", "\"1ST\"", ValidationErrorKind.PatternMismatch },
        { nameof(App), "/status/phase", "\"Exploded\"", ValidationErrorKind.NotInEnumeration },
        { nameof(App), "/status/revision", "\"3\"", ValidationErrorKind.IntegerExpected },
        { nameof(App), "/status/conditions/0/type", null, ValidationErrorKind.PropertyRequired },
        { nameof(App), "/status/conditions/0/status", null, ValidationErrorKind.PropertyRequired },
        { nameof(App), "/status/conditions/0/lastTransitionTime", "\"yesterday\"", ValidationErrorKind.DateTimeExpected },
        { nameof(Image), "/spec/runtime", "\"python-2.7\"", ValidationErrorKind.PatternMismatch },
        { nameof(Image), "/spec/requirements", "42", ValidationErrorKind.StringExpected },
        { nameof(Image), "/status/phase", "\"Done\"", ValidationErrorKind.NotInEnumeration },
        { nameof(Image), "/status/conditions/0/type", null, ValidationErrorKind.PropertyRequired },
        { nameof(Revision), "/spec/app", null, ValidationErrorKind.PropertyRequired },
        { nameof(Revision), "/spec/revision", "\"3\"", ValidationErrorKind.IntegerExpected },
        { nameof(Revision), "/spec/runtime", "\"python-2.7\"", ValidationErrorKind.PatternMismatch },
        { nameof(Revision), "/spec/files/0/path", null, ValidationErrorKind.PropertyRequired },
    };

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task An_object_the_api_writes_is_valid(string kind)
    {
        var errors = (await SchemaOf(kind)).Validate(Document(kind).ToJsonString());
        Assert.True(errors.Count == 0, SchemaErrors.Describe(errors));
    }

    [Theory]
    [MemberData(nameof(Invalid))]
    public async Task An_object_breaking_a_rule_is_invalid(string kind, string pointer, string? json, ValidationErrorKind expected)
    {
        var document = Document(kind);
        JsonEdits.Replace(document, pointer, json);
        var errors = (await SchemaOf(kind)).Validate(document.ToJsonString());
        Assert.True(SchemaErrors.Flatten(errors).Any(error => error.Kind == expected && error.Path == ExpectedPath(pointer)),
            $"expected {expected} at {ExpectedPath(pointer)}, got:\n{SchemaErrors.Describe(errors)}");
    }

    private static JsonNode Document(string kind) => kind switch
    {
        nameof(App) => JsonSerializer.SerializeToNode(ValidApp, ApiJson.Options)!,
        nameof(Image) => JsonSerializer.SerializeToNode(ValidImage, ApiJson.Options)!,
        _ => JsonSerializer.SerializeToNode(ValidRevision, ApiJson.Options)!,
    };

    /// <summary>
    /// The CRD's openAPIV3Schema as a JSON Schema: a structural schema is draft-04 JSON Schema already, and NJsonSchema
    /// keeps the <c>x-kubernetes-*</c> keys as extension data without acting on them.
    /// </summary>
    private static Task<JsonSchema> SchemaOf(string kind)
    {
        var crd = CrdGenerator.Generate(ResourceDefinitions.Custom.Single(definition => definition.Kind == kind));
        var schema = crd["spec"]!["versions"]![0]!["schema"]!["openAPIV3Schema"]!.DeepClone().AsObject();
        schema["$schema"] = "http://json-schema.org/draft-04/schema#";
        return JsonSchema.FromJsonAsync(schema.ToJsonString());
    }

    /// <summary>NJsonSchema's way of naming a field: <c>/spec/files/0/path</c> is <c>#/spec.files[0].path</c>.</summary>
    private static string ExpectedPath(string pointer) =>
        "#/" + string.Join(".", pointer.TrimStart('/').Split('/').Select(segment => int.TryParse(segment, out _) ? $"[{segment}]" : segment))
            .Replace(".[", "[", StringComparison.Ordinal);

    private static string JsonString(string value) => JsonSerializer.Serialize(value);

    private static string TooManyFiles() =>
        new JsonArray([.. Enumerable.Range(0, AppLimits.MaxFiles + 1).Select(i => new JsonObject { ["path"] = $"f{i}.py", ["content"] = "" })]).ToJsonString();
}
