using System.Text.Json.Nodes;
using AeroGrid.Api.Resources;
using AeroGrid.Api.Schema;

namespace AeroGrid.ControlPlane.Api;

/// <summary>
/// <c>/openapi/v3</c>: the index and one OpenAPI 3 document per group version, with the kinds' schemas
/// (from the same generator as the CRDs) and their operations. kubectl reads it to validate with
/// <c>fieldValidation</c> on the server and for <c>kubectl explain</c>.
/// </summary>
internal static class OpenApiDocuments
{
    public static IEndpointRouteBuilder MapOpenApiDocuments(this IEndpointRouteBuilder endpoints)
    {
        // Each document is built when first asked for: kubectl asks for one group at a time, and the schemas of the
        // Kubernetes kinds would otherwise add to every start.
        var documents = ResourceDefinitions.All
            .GroupBy(d => d.Group.Length == 0 ? $"api/{d.Version}" : $"apis/{d.Group}/{d.Version}")
            .ToDictionary(g => g.Key, g => new Lazy<string>(() => Document(g.Key, [.. g]).ToJsonString()));
        var index = new JsonObject
        {
            ["paths"] = new JsonObject([.. documents.Keys.Select(path => KeyValuePair.Create(path,
                (JsonNode?)new JsonObject { ["serverRelativeURL"] = $"/openapi/v3/{path}" }))]),
        }.ToJsonString();
        endpoints.MapGet("/openapi/v3", () => ResourceHandler.Json(index, 200));
        endpoints.MapGet("/openapi/v3/{**path}", (string path) =>
            documents.TryGetValue(path, out var document)
                ? ResourceHandler.Json(document.Value, 200)
                : new ApiError(404, "NotFound", $"no OpenAPI document for {path}").ToResult());
        return endpoints;
    }

    private static JsonObject Document(string groupVersion, IReadOnlyList<ResourceDefinition> definitions)
    {
        var schemas = new JsonObject();
        var paths = new JsonObject();
        foreach (var definition in definitions)
        {
            var schema = OpenApiSchemaGenerator.Generate(definition.ClrType);
            schema["x-kubernetes-group-version-kind"] = GroupVersionKind(definition);
            schemas[SchemaName(definition)] = schema;
            var reference = new JsonObject { ["$ref"] = $"#/components/schemas/{SchemaName(definition)}" };
            var collection = definition.CollectionTemplate;
            paths[collection] = new JsonObject
            {
                ["get"] = Operation(definition, "list", reference, withBody: false),
                ["post"] = Operation(definition, "post", reference, withBody: true),
            };
            paths[collection + "/{name}"] = new JsonObject
            {
                ["get"] = Operation(definition, "get", reference, withBody: false),
                ["put"] = Operation(definition, "put", reference, withBody: true),
                ["patch"] = Operation(definition, "patch", reference, withBody: true),
                ["delete"] = Operation(definition, "delete", reference, withBody: false),
            };
        }
        return new JsonObject
        {
            ["openapi"] = "3.0.0",
            ["info"] = new JsonObject { ["title"] = "AeroGrid", ["version"] = groupVersion },
            ["paths"] = paths,
            ["components"] = new JsonObject { ["schemas"] = schemas },
        };
    }

    private static JsonObject Operation(ResourceDefinition definition, string action, JsonObject reference, bool withBody)
    {
        var parameters = new JsonArray();
        if (withBody)
        {
            // Its presence tells kubectl the server validates fields itself (fieldValidation=Strict).
            parameters.Add(new JsonObject { ["name"] = "fieldValidation", ["in"] = "query", ["schema"] = new JsonObject { ["type"] = "string" } });
        }
        var operation = new JsonObject
        {
            ["x-kubernetes-action"] = action,
            ["x-kubernetes-group-version-kind"] = GroupVersionKind(definition)[0]!.DeepClone(),
            ["parameters"] = parameters,
            ["responses"] = new JsonObject
            {
                ["200"] = new JsonObject { ["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = reference.DeepClone() } } },
            },
        };
        if (withBody)
        {
            operation["requestBody"] = new JsonObject { ["content"] = new JsonObject { ["*/*"] = new JsonObject { ["schema"] = reference.DeepClone() } } };
        }
        return operation;
    }

    private static JsonArray GroupVersionKind(ResourceDefinition definition) =>
        new(new JsonObject { ["group"] = definition.Group, ["version"] = definition.Version, ["kind"] = definition.Kind });

    /// <summary>Kubernetes' own names (<c>io.k8s.api.apps.v1.Deployment</c>), and a reversed domain for other groups.</summary>
    private static string SchemaName(ResourceDefinition definition) => definition.Group switch
    {
        "" => $"io.k8s.api.core.{definition.Version}.{definition.Kind}",
        var group when !group.Contains('.', StringComparison.Ordinal) => $"io.k8s.api.{group}.{definition.Version}.{definition.Kind}",
        var group => $"{string.Join('.', group.Split('.').Reverse())}.{definition.Version}.{definition.Kind}",
    };
}
