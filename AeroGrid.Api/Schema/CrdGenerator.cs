using System.Text.Json.Nodes;
using AeroGrid.Api.Resources;

namespace AeroGrid.Api.Schema;

/// <summary>
/// Builds the <c>apiextensions.k8s.io/v1</c> CustomResourceDefinitions of AeroGrid's kinds from their
/// <see cref="ResourceDefinition"/>s and CLR types.
/// </summary>
public static class CrdGenerator
{
    private const string PartOfLabel = "app.kubernetes.io/part-of";
    private const string PartOf = "aerogrid";

    /// <summary><c>kubectl get aerogrid</c> lists every AeroGrid object.</summary>
    private const string Category = "aerogrid";

    /// <summary>The CRDs of every kind in <see cref="ResourceDefinitions.Custom"/>.</summary>
    public static IReadOnlyList<JsonObject> GenerateAll() => [.. ResourceDefinitions.Custom.Select(Generate)];

    /// <summary>The CRD of one kind: names, scope, its one version with schema, status subresource (when the kind has a status) and printer columns.</summary>
    /// <exception cref="ArgumentException">The kind belongs to the core group, which no CRD can extend.</exception>
    public static JsonObject Generate(ResourceDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        if (definition.Group.Length == 0)
        {
            throw new ArgumentException($"{definition.Kind} is a core kind; only kinds of an API group can be custom resources.", nameof(definition));
        }
        return new JsonObject
        {
            ["apiVersion"] = "apiextensions.k8s.io/v1",
            ["kind"] = "CustomResourceDefinition",
            ["metadata"] = new JsonObject
            {
                ["name"] = $"{definition.Plural}.{definition.Group}",
                ["labels"] = new JsonObject { [PartOfLabel] = PartOf },
            },
            ["spec"] = new JsonObject
            {
                ["group"] = definition.Group,
                ["names"] = Names(definition),
                ["scope"] = definition.Namespaced ? "Namespaced" : "Cluster",
                ["versions"] = new JsonArray(Version(definition)),
            },
        };
    }

    private static JsonObject Names(ResourceDefinition definition)
    {
        var names = new JsonObject
        {
            ["plural"] = definition.Plural,
            ["singular"] = definition.Singular,
            ["kind"] = definition.Kind,
            ["listKind"] = definition.ListKind,
        };
        if (definition.ShortNames.Count > 0)
        {
            names["shortNames"] = Strings(definition.ShortNames);
        }
        names["categories"] = Strings([Category]);
        return names;
    }

    private static JsonObject Version(ResourceDefinition definition)
    {
        var version = new JsonObject
        {
            ["name"] = definition.Version,
            ["served"] = true,
            ["storage"] = true,
            ["schema"] = new JsonObject { ["openAPIV3Schema"] = OpenApiSchemaGenerator.Generate(definition.ClrType) },
        };
        if (definition.HasStatus)
        {
            version["subresources"] = new JsonObject { ["status"] = new JsonObject() };
        }
        version["additionalPrinterColumns"] = new JsonArray([.. definition.PrinterColumns.Select(PrinterColumn)]);
        return version;
    }

    private static JsonObject PrinterColumn(PrinterColumn column)
    {
        var json = new JsonObject
        {
            ["name"] = column.Name,
            ["type"] = column.Type,
            ["jsonPath"] = column.JsonPath,
        };
        if (column.Description.Length > 0)
        {
            json["description"] = column.Description;
        }
        if (column.Priority != 0)
        {
            json["priority"] = column.Priority;
        }
        return json;
    }

    private static JsonArray Strings(IEnumerable<string> values) => new([.. values.Select(value => JsonValue.Create(value))]);
}
