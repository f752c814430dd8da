using System.Text.Json.Nodes;
using AeroGrid.Api.Meta;
using AeroGrid.Api.Resources;
using AeroGrid.Api.Schema;
using k8s.Models;

namespace AeroGrid.ControlPlane.Api;

/// <summary>
/// <c>/openapi/v3</c>: the index and one OpenAPI 3 document per group version, with the kinds' schemas
/// (from the same generator as the CRDs) and every operation this server answers for them: list, watch, create, get,
/// replace, patch, delete, the status subresource and the log subresource. kubectl reads it to validate with
/// <c>fieldValidation</c> on the server and for <c>kubectl explain</c>; the Portal's TypeScript types and the .NET
/// client are generated from the copies checked in under <c>openapi/</c>.
/// </summary>
internal static class OpenApiDocuments
{
    private const string MetaV1 = "io.k8s.apimachinery.pkg.apis.meta.v1.";
    private const string Json = "application/json";

    public static IEndpointRouteBuilder MapOpenApiDocuments(this IEndpointRouteBuilder endpoints)
    {
        // Each document is built when first asked for: kubectl asks for one group at a time, and the schemas of the
        // Kubernetes kinds would otherwise add to every start.
        var documents = ResourceDefinitions.All
            .GroupBy(GroupVersionPath)
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

    /// <summary><c>apis/aerogrid.io/v1alpha1</c>, or <c>api/v1</c> for the core group.</summary>
    public static string GroupVersionPath(ResourceDefinition definition) =>
        definition.Group.Length == 0 ? $"api/{definition.Version}" : $"apis/{definition.Group}/{definition.Version}";

    /// <summary>The document of one group version, as served.</summary>
    public static JsonObject Document(string groupVersion, IReadOnlyList<ResourceDefinition> definitions)
    {
        var schemas = new JsonObject
        {
            [MetaV1 + "ObjectMeta"] = OpenApiSchemaGenerator.Generate(typeof(V1ObjectMeta)),
            [MetaV1 + "ListMeta"] = OpenApiSchemaGenerator.Generate(typeof(ListMeta)),
            [MetaV1 + "Status"] = OpenApiSchemaGenerator.Generate(typeof(Status)),
            [MetaV1 + "Patch"] = new JsonObject
            {
                ["description"] = "A merge patch, a JSON patch (an array of operations) or an apply patch, as the content type says.",
                ["type"] = "object",
            },
        };
        var paths = new JsonObject();
        foreach (var definition in definitions)
        {
            AddSchemas(schemas, definition);
            var item = $"{definition.CollectionTemplate}/{{name}}";
            if (definition.Namespaced)
            {
                paths[definition.CollectionPath(null)] = new JsonObject
                {
                    ["get"] = ListOperation(definition, $"list{definition.Kind}ForAllNamespaces"),
                };
            }
            paths[definition.CollectionTemplate] = new JsonObject
            {
                ["parameters"] = PathParameters(definition, withName: false),
                ["get"] = ListOperation(definition, $"list{Scoped(definition)}"),
                ["post"] = WriteOperation(definition, "post", $"create{Scoped(definition)}", Json, created: true),
            };
            paths[item] = new JsonObject
            {
                ["parameters"] = PathParameters(definition, withName: true),
                ["get"] = ReadOperation(definition, $"read{Scoped(definition)}"),
                ["put"] = WriteOperation(definition, "put", $"replace{Scoped(definition)}", Json, created: true),
                ["patch"] = PatchOperation(definition, $"patch{Scoped(definition)}"),
                ["delete"] = DeleteOperation(definition, $"delete{Scoped(definition)}"),
            };
            if (definition.HasStatus)
            {
                paths[$"{item}/status"] = new JsonObject
                {
                    ["parameters"] = PathParameters(definition, withName: true),
                    ["get"] = ReadOperation(definition, $"read{Scoped(definition)}Status"),
                    ["put"] = WriteOperation(definition, "put", $"replace{Scoped(definition)}Status", Json, created: false),
                    ["patch"] = PatchOperation(definition, $"patch{Scoped(definition)}Status"),
                };
            }
            if (LogProxy.Kinds.Contains(definition))
            {
                paths[$"{item}/log"] = new JsonObject
                {
                    ["parameters"] = PathParameters(definition, withName: true),
                    ["get"] = LogOperation(definition, $"read{Scoped(definition)}Log"),
                };
            }
        }
        return new JsonObject
        {
            ["openapi"] = "3.0.0",
            ["info"] = new JsonObject { ["title"] = "AeroGrid", ["version"] = groupVersion },
            ["paths"] = paths,
            ["components"] = new JsonObject
            {
                ["schemas"] = schemas,
                ["securitySchemes"] = new JsonObject
                {
                    ["BearerToken"] = new JsonObject
                    {
                        ["type"] = "http",
                        ["scheme"] = "bearer",
                        ["bearerFormat"] = "JWT",
                        ["description"] = "An access token of the identity provider (Auth0, or the dev issuer locally).",
                    },
                },
            },
            ["security"] = new JsonArray(new JsonObject { ["BearerToken"] = new JsonArray() }),
        };
    }

    /// <summary>The kind, its list and its watch event.</summary>
    /// <remarks>
    /// The kind's schema from <see cref="OpenApiSchemaGenerator"/> is the CRD's, where <c>metadata</c> may only be
    /// <c>{type: object}</c>; here it refers to ObjectMeta, as kube-apiserver's documents do, so clients get its fields.
    /// </remarks>
    private static void AddSchemas(JsonObject schemas, ResourceDefinition definition)
    {
        var schema = OpenApiSchemaGenerator.Generate(definition.ClrType);
        schema["properties"]!["metadata"] = Reference(MetaV1 + "ObjectMeta");
        schema["required"] = new JsonArray("apiVersion", "kind", "metadata");
        schema["x-kubernetes-group-version-kind"] = GroupVersionKind(definition, definition.Kind);
        schemas[SchemaName(definition)] = schema;

        schemas[SchemaName(definition) + "List"] = new JsonObject
        {
            ["description"] = $"A page of {definition.Plural}.",
            ["type"] = "object",
            ["properties"] = new JsonObject
            {
                ["apiVersion"] = new JsonObject { ["type"] = "string" },
                ["kind"] = new JsonObject { ["type"] = "string" },
                ["metadata"] = Reference(MetaV1 + "ListMeta"),
                ["items"] = new JsonObject { ["type"] = "array", ["items"] = Reference(SchemaName(definition)) },
            },
            ["required"] = new JsonArray("apiVersion", "kind", "metadata", "items"),
            ["x-kubernetes-group-version-kind"] = GroupVersionKind(definition, definition.ListKind),
        };

        schemas[SchemaName(definition) + "WatchEvent"] = new JsonObject
        {
            ["description"] = $"One line of a watch of {definition.Plural}: a change, a BOOKMARK (only metadata.resourceVersion is meaningful), or an ERROR whose object is a Status (410 Gone: list again).",
            ["type"] = "object",
            ["properties"] = new JsonObject
            {
                ["type"] = new JsonObject
                {
                    ["type"] = "string",
                    ["enum"] = new JsonArray("ADDED", "MODIFIED", "DELETED", "BOOKMARK", "ERROR"),
                },
                ["object"] = Reference(SchemaName(definition)),
            },
            ["required"] = new JsonArray("type", "object"),
        };
    }

    private static JsonObject ListOperation(ResourceDefinition definition, string operationId)
    {
        var operation = Operation(definition, "list", operationId,
            Query("labelSelector", "string", "Only objects whose labels match, e.g. aerogrid.io/app=hello."),
            Query("fieldSelector", "string", "Only objects whose fields match, e.g. metadata.name=hello."),
            Query("limit", "integer", "At most this many items; the list's metadata.continue asks for the next page."),
            Query("continue", "string", "The token of the previous page's metadata.continue."),
            Query("resourceVersion", "string", "With watch: the version to watch from (410 Gone when it is too old)."),
            Query("watch", "boolean", "Stream changes (application/json;stream=watch, one WatchEvent a line) instead of listing."),
            Query("allowWatchBookmarks", "boolean", "With watch: send BOOKMARK events carrying the current resourceVersion."),
            Query("timeoutSeconds", "integer", "With watch: end the stream after this many seconds."));
        operation["responses"] = Responses("200", $"The {definition.Plural}, or with watch=true their changes.", new JsonObject
        {
            [Json] = Content(SchemaName(definition) + "List"),
            ["application/json;stream=watch"] = Content(SchemaName(definition) + "WatchEvent"),
        });
        return operation;
    }

    private static JsonObject ReadOperation(ResourceDefinition definition, string operationId)
    {
        var operation = Operation(definition, "get", operationId);
        operation["responses"] = Responses("200", $"The {definition.Singular}.", ObjectContent(definition));
        return operation;
    }

    private static JsonObject WriteOperation(ResourceDefinition definition, string action, string operationId, string contentType, bool created)
    {
        var operation = Operation(definition, action, operationId, WriteParameters());
        operation["requestBody"] = new JsonObject
        {
            ["required"] = true,
            ["content"] = new JsonObject { [contentType] = Content(SchemaName(definition)) },
        };
        operation["responses"] = Responses("200", $"The {definition.Singular} as stored.", ObjectContent(definition));
        if (created)
        {
            operation["responses"]!["201"] = new JsonObject { ["description"] = $"The {definition.Singular}, created.", ["content"] = ObjectContent(definition) };
        }
        return operation;
    }

    private static JsonObject PatchOperation(ResourceDefinition definition, string operationId)
    {
        var operation = Operation(definition, "patch", operationId,
            [.. WriteParameters(), Query("force", "boolean", "With an apply patch: take fields other managers own instead of answering 409.")]);
        operation["requestBody"] = new JsonObject
        {
            ["required"] = true,
            ["content"] = new JsonObject
            {
                ["application/merge-patch+json"] = Content(MetaV1 + "Patch"),
                ["application/json-patch+json"] = Content(MetaV1 + "Patch"),
                ["application/apply-patch+yaml"] = Content(MetaV1 + "Patch"),
            },
        };
        operation["responses"] = Responses("200", $"The {definition.Singular} as stored.", ObjectContent(definition));
        operation["responses"]!["201"] = new JsonObject { ["description"] = $"The {definition.Singular}, created by an apply patch.", ["content"] = ObjectContent(definition) };
        return operation;
    }

    private static JsonObject DeleteOperation(ResourceDefinition definition, string operationId)
    {
        var operation = Operation(definition, "delete", operationId, Query("dryRun", "string", "All: check the request, store nothing."));
        operation["responses"] = Responses("200", $"The {definition.Singular}: gone, or marked for deletion while finalizers remain.", ObjectContent(definition));
        return operation;
    }

    private static JsonObject LogOperation(ResourceDefinition definition, string operationId)
    {
        var operation = Operation(definition, "get", operationId,
            Query("follow", "boolean", "Keep streaming as output comes (for an image, until its build ends)."),
            Query("tailLines", "integer", "Start this many lines before the end."),
            Query("revision", "integer", "Apps: the output of this revision instead of the serving one."),
            Query("container", "string", "Pods: the container, when there is more than one."));
        operation["responses"] = Responses("200", "The output as text.", new JsonObject
        {
            ["text/plain"] = new JsonObject { ["schema"] = new JsonObject { ["type"] = "string" } },
        });
        return operation;
    }

    /// <summary>An operation whose every answer other than its success is a Kubernetes Status.</summary>
    private static JsonObject Operation(ResourceDefinition definition, string action, string operationId, params JsonObject[] parameters) => new()
    {
        ["operationId"] = operationId,
        ["x-kubernetes-action"] = action,
        ["x-kubernetes-group-version-kind"] = GroupVersionKind(definition, definition.Kind)[0]!.DeepClone(),
        ["parameters"] = new JsonArray([.. parameters]),
    };

    private static JsonObject[] WriteParameters() =>
    [
        Query("dryRun", "string", "All: check the request, store nothing."),
        Query("fieldManager", "string", "The name of the writer recorded in metadata.managedFields."),
        // Its presence tells kubectl the server validates fields itself (fieldValidation=Strict).
        Query("fieldValidation", "string", "Strict: refuse unknown fields (400) instead of dropping them."),
    ];

    private static JsonArray PathParameters(ResourceDefinition definition, bool withName)
    {
        var parameters = new JsonArray();
        if (definition.Namespaced)
        {
            parameters.Add(PathParameter("namespace", "The namespace (the tenant)."));
        }
        if (withName)
        {
            parameters.Add(PathParameter("name", $"The name of the {definition.Singular}."));
        }
        return parameters;
    }

    private static JsonObject PathParameter(string name, string description) => new()
    {
        ["name"] = name,
        ["in"] = "path",
        ["required"] = true,
        ["description"] = description,
        ["schema"] = new JsonObject { ["type"] = "string" },
    };

    private static JsonObject Query(string name, string type, string description) => new()
    {
        ["name"] = name,
        ["in"] = "query",
        ["description"] = description,
        ["schema"] = new JsonObject { ["type"] = type },
    };

    private static JsonObject Responses(string code, string description, JsonObject content) => new()
    {
        [code] = new JsonObject { ["description"] = description, ["content"] = content },
        ["default"] = new JsonObject
        {
            ["description"] = "A refusal or failure (401, 403, 404, 409, 410, 413, 422...) as a Kubernetes Status.",
            ["content"] = new JsonObject { [Json] = Content(MetaV1 + "Status") },
        },
    };

    private static JsonObject ObjectContent(ResourceDefinition definition) => new() { [Json] = Content(SchemaName(definition)) };

    private static JsonObject Content(string schemaName) => new() { ["schema"] = Reference(schemaName) };

    private static JsonObject Reference(string schemaName) => new() { ["$ref"] = $"#/components/schemas/{schemaName}" };

    /// <summary>The kind's name in operation ids: <c>NamespacedApp</c>, or <c>Namespace</c> for a cluster-scoped kind, as Kubernetes names them.</summary>
    private static string Scoped(ResourceDefinition definition) => definition.Namespaced ? "Namespaced" + definition.Kind : definition.Kind;

    private static JsonArray GroupVersionKind(ResourceDefinition definition, string kind) =>
        new(new JsonObject { ["group"] = definition.Group, ["version"] = definition.Version, ["kind"] = kind });

    /// <summary>Kubernetes' own names (<c>io.k8s.api.apps.v1.Deployment</c>), and a reversed domain for other groups.</summary>
    private static string SchemaName(ResourceDefinition definition) => definition.Group switch
    {
        "" => $"io.k8s.api.core.{definition.Version}.{definition.Kind}",
        var group when !group.Contains('.', StringComparison.Ordinal) => $"io.k8s.api.{group}.{definition.Version}.{definition.Kind}",
        var group => $"{string.Join('.', group.Split('.').Reverse())}.{definition.Version}.{definition.Kind}",
    };
}
