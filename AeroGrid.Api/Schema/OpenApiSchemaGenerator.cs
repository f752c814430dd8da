using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using AeroGrid.Api.Meta;
using AeroGrid.Api.Serialization;
using k8s.Models;

namespace AeroGrid.Api.Schema;

/// <summary>
/// Derives the OpenAPI v3 schema of a CLR type from the type itself, so the CRDs, the local API's OpenAPI
/// document and the C# model cannot drift apart.
/// </summary>
/// <remarks>
/// <para>
/// The walk follows <see cref="ApiJson.Options"/>' own contract (<see cref="JsonTypeInfo"/>), so field names,
/// their order and what is left out are exactly what the API writes.
/// </para>
/// <para>
/// The result is a <em>structural</em> schema as CRDs require
/// (https://kubernetes.io/docs/tasks/extend-kubernetes/custom-resources/custom-resource-definitions/#specifying-a-structural-schema):
/// every node has a <c>type</c>, there are no <c>$ref</c>s, and objects never say
/// <c>additionalProperties: false</c>; the API server prunes unknown fields instead.
/// </para>
/// </remarks>
public static class OpenApiSchemaGenerator
{
    private const string MetadataField = "metadata";
    private const string SpecField = "spec";

    // Structural schemas cannot express recursion; a recursive type would otherwise overflow the stack.
    private const int MaxDepth = 16;

    private static readonly Dictionary<Type, (string Type, string? Format)> Scalars = new()
    {
        [typeof(string)] = ("string", null),
        [typeof(int)] = ("integer", "int32"),
        [typeof(long)] = ("integer", "int64"),
        [typeof(bool)] = ("boolean", null),
        [typeof(DateTime)] = ("string", "date-time"),
        [typeof(byte[])] = ("string", "byte"),
    };

    /// <summary>
    /// KubernetesClient's types carry no validation attributes, so their schemas are restated here as Kubernetes
    /// publishes them (metav1.Condition, as controller-gen writes it into CRDs).
    /// </summary>
    private static readonly Dictionary<Type, Func<JsonObject>> KubernetesSchemas = new()
    {
        // Written as a number or a string ("25%", "512Mi"), as Kubernetes' own schemas declare them.
        [typeof(IntOrString)] = () => new JsonObject { ["x-kubernetes-int-or-string"] = true },
        [typeof(ResourceQuantity)] = () => new JsonObject { ["x-kubernetes-int-or-string"] = true },
        [typeof(V1Condition)] = () => new JsonObject
        {
            ["description"] = "One aspect of the object's observed state.",
            ["type"] = "object",
            ["properties"] = new JsonObject
            {
                ["lastTransitionTime"] = new JsonObject { ["type"] = "string", ["format"] = "date-time", ["description"] = "When the status last changed." },
                ["message"] = new JsonObject { ["type"] = "string", ["maxLength"] = 32768, ["description"] = "A sentence for people." },
                ["observedGeneration"] = new JsonObject { ["type"] = "integer", ["format"] = "int64", ["minimum"] = 0, ["description"] = "The metadata.generation this condition was computed from." },
                ["reason"] = new JsonObject { ["type"] = "string", ["maxLength"] = 1024, ["description"] = "A CamelCase word saying why the condition last changed." },
                ["status"] = new JsonObject { ["type"] = "string", ["enum"] = new JsonArray("True", "False", "Unknown") },
                ["type"] = new JsonObject { ["type"] = "string", ["maxLength"] = 316, ["description"] = "The aspect this condition describes, in CamelCase, e.g. Ready." },
            },
            ["required"] = new JsonArray("lastTransitionTime", "message", "reason", "status", "type"),
        },
    };

    /// <summary>The schema of <paramref name="type"/>.</summary>
    /// <remarks>
    /// For an API object (a <see cref="KubernetesObject"/>) <c>metadata</c> is only <c>{type: object}</c>, because
    /// the API server owns ObjectMeta's schema and CRDs may not restate it, and defaults are read from the spec
    /// type's initializers (e.g. <c>replicas: 1</c>). Nothing else gets defaults: <c>apiVersion</c> and <c>kind</c>
    /// are not optional, and controllers write status whole.
    /// </remarks>
    /// <exception cref="NotSupportedException">A property's type has no OpenAPI mapping here.</exception>
    /// <exception cref="InvalidOperationException">A type is recursive, or a list-map key is not required.</exception>
    public static JsonObject Generate(Type type) => Schema(type, member: null, withDefaults: false, depth: 0);

    private static JsonObject Schema(Type type, MemberInfo? member, bool withDefaults, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new InvalidOperationException(
                $"{type} is nested more than {MaxDepth} levels deep; is it recursive? Structural schemas cannot describe recursive types.");
        }
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (KubernetesSchemas.TryGetValue(type, out var kubernetesSchema))
        {
            return kubernetesSchema();
        }
        var schema = new JsonObject();
        var description = member?.GetCustomAttribute<DescriptionAttribute>() ?? type.GetCustomAttribute<DescriptionAttribute>();
        if (description is not null)
        {
            schema["description"] = description.Description;
        }

        var info = ApiJson.Options.GetTypeInfo(type);
        switch (info.Kind)
        {
            case JsonTypeInfoKind.Object:
                AddObject(schema, info, withDefaults, depth);
                break;
            case JsonTypeInfoKind.Enumerable:
                schema["type"] = "array";
                schema["items"] = Schema(info.ElementType!, member: null, withDefaults, depth + 1);
                break;
            case JsonTypeInfoKind.Dictionary when info.KeyType == typeof(string):
                schema["type"] = "object";
                schema["additionalProperties"] = Schema(info.ElementType!, member: null, withDefaults, depth + 1);
                break;
            case JsonTypeInfoKind.None when type.IsEnum:
                schema["type"] = "string";
                schema["enum"] = EnumNames(type);
                break;
            case JsonTypeInfoKind.None when type == typeof(object):
                // Any JSON at all, such as managedFields' fieldsV1.
                schema["type"] = "object";
                schema["x-kubernetes-preserve-unknown-fields"] = true;
                break;
            case JsonTypeInfoKind.None when Scalars.TryGetValue(type, out var scalar):
                schema["type"] = scalar.Type;
                if (scalar.Format is not null)
                {
                    schema["format"] = scalar.Format;
                }
                break;
            default:
                throw new NotSupportedException($"{type} has no OpenAPI schema mapping; see {nameof(OpenApiSchemaGenerator)} for the supported types.");
        }

        if (member is not null)
        {
            AddConstraints(schema, member);
        }
        return schema;
    }

    private static void AddObject(JsonObject schema, JsonTypeInfo info, bool withDefaults, int depth)
    {
        var isApiObject = typeof(KubernetesObject).IsAssignableFrom(info.Type);
        var initialized = withDefaults ? info.CreateObject?.Invoke() : null;
        var properties = new JsonObject();
        var required = new JsonArray();
        foreach (var property in info.Properties)
        {
            var member = property.AttributeProvider as MemberInfo;
            var propertySchema = isApiObject && property.Name == MetadataField
                ? new JsonObject { ["type"] = "object" }
                : Schema(property.PropertyType, member, isApiObject ? property.Name == SpecField : withDefaults, depth + 1);
            if (initialized is not null && DefaultValue(property, initialized) is { } value)
            {
                propertySchema["default"] = value;
            }
            properties[property.Name] = propertySchema;
            if (member?.IsDefined(typeof(RequiredAttribute), inherit: true) == true)
            {
                required.Add(property.Name);
            }
        }
        schema["type"] = "object";
        schema["properties"] = properties;
        if (required.Count > 0)
        {
            schema["required"] = required;
        }
    }

    /// <summary>
    /// The initializer's value as the API writes it, when it is a scalar other than the zero value a missing field
    /// gets anyway (<c>""</c>, <c>0</c>, <c>false</c>).
    /// </summary>
    private static JsonNode? DefaultValue(JsonPropertyInfo property, object initialized)
    {
        var value = property.Get?.Invoke(initialized);
        if (value is null or "" || (value is ValueType && value.Equals(Activator.CreateInstance(value.GetType()))))
        {
            return null;
        }
        var node = JsonSerializer.SerializeToNode(value, property.PropertyType, ApiJson.Options);
        return node is JsonValue ? node : null;
    }

    private static JsonArray EnumNames(Type type)
    {
        var names = new JsonArray();
        foreach (var value in Enum.GetValues(type))
        {
            var name = JsonSerializer.SerializeToNode(value, type, ApiJson.Options);
            if (name?.GetValueKind() != JsonValueKind.String)
            {
                throw new NotSupportedException($"{type} is written as numbers; give it a JsonStringEnumConverter so the schema can list its names.");
            }
            names.Add(name);
        }
        return names;
    }

    private static void AddConstraints(JsonObject schema, MemberInfo member)
    {
        if (member.GetCustomAttribute<RangeAttribute>() is { } range)
        {
            schema["minimum"] = Convert.ToDecimal(range.Minimum, CultureInfo.InvariantCulture);
            schema["maximum"] = Convert.ToDecimal(range.Maximum, CultureInfo.InvariantCulture);
            if (range.MinimumIsExclusive)
            {
                schema["exclusiveMinimum"] = true;
            }
            if (range.MaximumIsExclusive)
            {
                schema["exclusiveMaximum"] = true;
            }
        }
        if (member.GetCustomAttribute<MaxLengthAttribute>() is { } maxLength)
        {
            var keyword = schema["type"]!.GetValue<string>() switch
            {
                "string" => "maxLength",
                "array" => "maxItems",
                var other => throw new NotSupportedException($"[MaxLength] on {Name(member)} has no meaning for a schema of type {other}."),
            };
            schema[keyword] = maxLength.Length;
        }
        if (member.GetCustomAttribute<RegularExpressionAttribute>() is { } expression)
        {
            schema["pattern"] = expression.Pattern;
        }
        var mapKeys = member.GetCustomAttributes<ListMapKeyAttribute>().Select(attribute => attribute.Key).ToList();
        if (mapKeys.Count > 0)
        {
            AddListMap(schema, member, mapKeys);
        }
    }

    private static void AddListMap(JsonObject schema, MemberInfo member, IReadOnlyList<string> keys)
    {
        var required = schema["items"]?["required"]?.AsArray().Select(node => node!.GetValue<string>()) ?? [];
        var optional = keys.Except(required).ToList();
        if (optional.Count > 0)
        {
            // The API server rejects a CRD whose list-map keys may be missing: an entry without its key has no identity.
            throw new InvalidOperationException(
                $"{Name(member)} is a list-map keyed by {string.Join(", ", optional)}, so its entries must mark that field [Required].");
        }
        schema["x-kubernetes-list-type"] = "map";
        schema["x-kubernetes-list-map-keys"] = new JsonArray([.. keys.Select(key => JsonValue.Create(key))]);
    }

    private static string Name(MemberInfo member) => $"{member.DeclaringType?.Name}.{member.Name}";
}
