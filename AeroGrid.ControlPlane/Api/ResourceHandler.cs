using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AeroGrid.Api.Resources;
using AeroGrid.Api.Serialization;
using AeroGrid.Api.Validation;
using AeroGrid.ControlPlane.Api.Patching;
using AeroGrid.ControlPlane.Storage;
using k8s;
using k8s.Models;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace AeroGrid.ControlPlane.Api;

/// <summary>
/// The verbs of one resource type, with Kubernetes semantics: preconditions, the spec/status split,
/// generation, finalizers, generateName, pruning of unknown fields and validation.
/// </summary>
internal sealed class ResourceHandler(ResourceStore store, TimeProvider time, IOptions<ControlPlaneOptions> options)
{
    private const int MaxConflictRetries = 5;
    private const int DefaultPageLimit = 500;

    public async Task<IResult> GetAsync(HttpContext http, ResourceDefinition definition, string? @namespace, string name)
    {
        var stored = await store.GetAsync(Key(definition, @namespace, name), http.RequestAborted)
            ?? throw ApiError.NotFound(definition, name);
        return TableConverter.IsRequested(http.Request)
            ? Json(TableConverter.ToTable(definition, [stored.ToJson()], http.Request), 200)
            : Json(stored.Json, 200);
    }

    public async Task<IResult> ListAsync(HttpContext http, ResourceDefinition definition, string? @namespace)
    {
        var query = http.Request.Query;
        var selector = Selector.Parse(query["labelSelector"], query["fieldSelector"]);
        var limit = ParseInt(query["limit"], "limit") is > 0 and var l ? l : int.MaxValue;
        var token = ContinueToken.Parse(query["continue"]);
        if (token is not null && token.Revision < store.CompactedRevision)
        {
            throw ContinueExpired();
        }
        Func<StoredObject, bool> filter = selector == Selector.Everything ? _ => true : item => selector.Matches(item.ToJson());
        ListResult result;
        string? next = null;
        if (limit == int.MaxValue && token is null)
        {
            result = await store.ListAsync(definition.Plural, @namespace, null, filter, limit, http.RequestAborted);
        }
        else
        {
            ListPage page;
            try
            {
                page = await store.ListPageAsync(definition.Plural, @namespace, token?.SnapshotId, token?.After, filter, limit, http.RequestAborted);
            }
            catch (StorageException e) when (e.Error == StorageError.Gone)
            {
                throw ContinueExpired();
            }
            result = page.Result;
            if (page.SnapshotId is { } snapshot)
            {
                var last = result.Items[^1].Key;
                next = new ContinueToken(result.Revision, (last.Namespace, last.Name), snapshot).Encode();
            }
        }
        var revision = result.Revision;
        var metadata = new JsonObject
        {
            ["resourceVersion"] = Revision(revision),
            ["continue"] = next,
            ["remainingItemCount"] = result.Remaining > 0 ? result.Remaining : null,
        };
        if (TableConverter.IsRequested(http.Request))
        {
            var table = TableConverter.ToTable(definition, result.Items.Select(item => item.ToJson()), http.Request);
            table["metadata"] = metadata;
            return Json(table, 200);
        }
        // The stored JSON goes out as it is: a list of a thousand apps is not parsed and written again.
        var list = new StringBuilder();
        list.Append(new JsonObject { ["apiVersion"] = definition.ApiVersion, ["kind"] = definition.ListKind, ["metadata"] = metadata }.ToJsonString()[..^1]);
        list.Append(",\"items\":[").AppendJoin(',', result.Items.Select(item => item.Json)).Append("]}");
        return Json(list.ToString(), 200);
    }

    public async Task<IResult> CreateAsync(HttpContext http, ResourceDefinition definition, string? @namespace) =>
        await CreateObjectAsync(http, definition, @namespace, await ReadObjectAsync(http), Fields(http, definition, status: false, apply: false), applied: null);

    private async Task<IResult> CreateObjectAsync(
        HttpContext http, ResourceDefinition definition, string? @namespace, JsonObject body, FieldManager fields, ApplyResult? applied)
    {
        CheckTypeMeta(definition, body);
        var metadata = Metadata(body);
        if (metadata["namespace"]?.GetValue<string>() is { } bodyNamespace && bodyNamespace != (@namespace ?? ""))
        {
            throw ApiError.BadRequest("the namespace of the provided object does not match the namespace sent on the request");
        }
        if (!string.IsNullOrEmpty(metadata["resourceVersion"]?.GetValue<string>()))
        {
            throw ApiError.BadRequest("resourceVersion should not be set on objects to be created");
        }
        var generateName = metadata["generateName"]?.GetValue<string>();
        var explicitName = metadata["name"]?.GetValue<string>();
        if (string.IsNullOrEmpty(explicitName) && string.IsNullOrEmpty(generateName))
        {
            throw ApiError.Invalid(definition, "", [new("metadata.name", FieldErrorReasons.Required, "name or generateName is required")]);
        }
        if (definition.Namespaced)
        {
            EnsureNamespaceAccepts(@namespace!);
        }
        for (var attempt = 0; ; attempt++)
        {
            var name = string.IsNullOrEmpty(explicitName) ? GenerateName(generateName!) : explicitName;
            metadata["name"] = name;
            metadata["namespace"] = @namespace;
            metadata["uid"] = Guid.NewGuid().ToString();
            metadata["creationTimestamp"] = Now();
            metadata["generation"] = 1;
            foreach (var ignored in new[] { "deletionTimestamp", "deletionGracePeriodSeconds", "managedFields", "selfLink" })
            {
                metadata.Remove(ignored);
            }
            // With a status subresource, status is the controllers' to write, never the creator's.
            if (definition.HasStatus)
            {
                body["status"] = definition == ResourceDefinitions.Namespace ? new JsonObject { ["phase"] = "Active" } : null;
            }
            var obj = fields.Track(null, body, Normalize(definition, body, http, validate: true), applied);
            var key = Key(definition, @namespace, name);
            if (DryRun(http))
            {
                // Everything a create checks, and nothing stored: no resourceVersion, as kube-apiserver answers.
                return await store.GetAsync(key, http.RequestAborted) is null ? Json(obj, 201) : throw ApiError.AlreadyExists(definition, name);
            }
            try
            {
                var stored = await store.CreateAsync(key, obj, http.RequestAborted);
                return Json(stored.Json, 201);
            }
            catch (StorageException e) when (e.Error == StorageError.AlreadyExists)
            {
                if (!string.IsNullOrEmpty(explicitName) || attempt >= MaxConflictRetries)
                {
                    throw ApiError.AlreadyExists(definition, name);
                }
            }
        }
    }

    /// <summary>PUT of the object (spec and metadata; status ignored) or of its <c>status</c> subresource (status only).</summary>
    public async Task<IResult> ReplaceAsync(HttpContext http, ResourceDefinition definition, string? @namespace, string name, bool status)
    {
        var body = await ReadObjectAsync(http);
        CheckTypeMeta(definition, body);
        var metadata = Metadata(body);
        if (metadata["name"]?.GetValue<string>() is { } bodyName && bodyName != name)
        {
            throw ApiError.BadRequest($"the name of the object ({bodyName}) does not match the name on the URL ({name})");
        }
        if (metadata["namespace"]?.GetValue<string>() is { Length: > 0 } bodyNamespace && bodyNamespace != (@namespace ?? ""))
        {
            throw ApiError.BadRequest("the namespace of the provided object does not match the namespace sent on the request");
        }
        var precondition = ParseRevision(metadata["resourceVersion"]?.GetValue<string>());
        return await UpdateAsync(http, definition, @namespace, name, precondition, Fields(http, definition, status, apply: false), _ => (body, null), status);
    }

    public async Task<IResult> PatchAsync(HttpContext http, ResourceDefinition definition, string? @namespace, string name, bool status)
    {
        var contentType = http.Request.ContentType?.Split(';')[0].Trim() ?? "";
        if (contentType == "application/apply-patch+yaml")
        {
            return await ApplyAsync(http, definition, @namespace, name, status);
        }
        var patch = await ReadNodeAsync(http);
        Func<JsonObject, JsonNode?> apply = contentType switch
        {
            "application/merge-patch+json" => current => JsonMergePatch.Apply(current, patch),
            "application/json-patch+json" when patch is JsonArray operations => current => JsonPatch.Apply(current, operations),
            "application/json-patch+json" => throw ApiError.BadRequest("a JSON patch is an array of operations"),
            _ => throw ApiError.UnsupportedMediaType(contentType),
        };
        return await UpdateAsync(http, definition, @namespace, name, precondition: null, Fields(http, definition, status, apply: false), current =>
        {
            if (apply(current) is not JsonObject patched)
            {
                throw ApiError.BadRequest("the patch does not leave an object");
            }
            CheckPatched(definition, name, current, patched);
            return (patched, null);
        }, status);
    }

    /// <summary>
    /// Server-side apply: the configuration merged into the object under field ownership, or, when there is no
    /// object, created from it (201), as kube-apiserver does.
    /// </summary>
    private async Task<IResult> ApplyAsync(HttpContext http, ResourceDefinition definition, string? @namespace, string name, bool status)
    {
        var fields = Fields(http, definition, status, apply: true);
        var force = http.Request.Query["force"].ToString() switch
        {
            "" or "false" => false,
            "true" => true,
            var other => throw ApiError.BadRequest($"force: Invalid value: \"{other}\": must be true or false"),
        };
        var config = ServerSideApply.ReadConfiguration(await ReadTextAsync(http));
        // An apply configuration says what it is; a create or update may leave it to the URL.
        foreach (var field in new[] { "apiVersion", "kind" })
        {
            if (config[field] is null)
            {
                throw ApiError.BadRequest($"error decoding YAML: Object '{(field == "kind" ? "Kind" : field)}' is missing in the apply configuration");
            }
        }
        if (await store.GetAsync(Key(definition, @namespace, name), http.RequestAborted) is null && !status)
        {
            CheckPatched(definition, name, current: null, config);
            var created = ServerSideApply.Apply(fields, live: null, config, force);
            Metadata(created.Merged)["name"] = name;
            return await CreateObjectAsync(http, definition, @namespace, created.Merged, fields, created);
        }
        return await UpdateAsync(http, definition, @namespace, name, precondition: null, fields, current =>
        {
            var applied = ServerSideApply.Apply(fields, current, config, force);
            CheckPatched(definition, name, current, applied.Merged);
            return (applied.Merged, applied);
        }, status);
    }

    /// <summary>What a patch leaves must still be this object: its kind, version and name, at the version it names.</summary>
    private static void CheckPatched(ResourceDefinition definition, string name, JsonObject? current, JsonObject patched)
    {
        // A patch never turns an object into another kind or version: refused as the same body in a PUT is.
        CheckTypeMeta(definition, patched);
        if (patched["metadata"]?["name"]?.GetValue<string>() is { } patchedName && patchedName != name)
        {
            throw ApiError.BadRequest($"the name of the object ({patchedName}) does not match the name on the URL ({name})");
        }
        // A resourceVersion in the patch is a precondition, as in Kubernetes.
        var wanted = ParseRevision(patched["metadata"]?["resourceVersion"]?.GetValue<string>());
        if (wanted is not null && current is not null && wanted.ToString() != current["metadata"]?["resourceVersion"]?.GetValue<string>())
        {
            throw ApiError.Conflict(definition, name);
        }
    }

    public async Task<IResult> DeleteAsync(HttpContext http, ResourceDefinition definition, string? @namespace, string name)
    {
        var preconditions = http.Request.ContentLength > 0 ? (await ReadNodeAsync(http))?["preconditions"] : null;
        var (json, code) = await DeleteObjectAsync(definition, @namespace, name, preconditions, DryRun(http), http.RequestAborted);
        return Json(json, code);
    }

    /// <summary>
    /// Deletes an object, or with finalizers marks it with a deletionTimestamp (202) until they are removed.
    /// The API's delete and the garbage collector both come here.
    /// </summary>
    /// <returns>The deleted (or marked) object and the status code.</returns>
    public async Task<(string Json, int Code)> DeleteObjectAsync(
        ResourceDefinition definition, string? @namespace, string name, JsonNode? preconditions, bool dryRun, CancellationToken cancellationToken)
    {
        var key = Key(definition, @namespace, name);
        for (var attempt = 0; ; attempt++)
        {
            var current = await store.GetAsync(key, cancellationToken) ?? throw ApiError.NotFound(definition, name);
            var obj = current.ToJson();
            var metadata = Metadata(obj);
            if (preconditions?["resourceVersion"]?.GetValue<string>() is { } rv && rv != current.ResourceVersion.ToString(CultureInfo.InvariantCulture)
                || preconditions?["uid"]?.GetValue<string>() is { } uid && uid != metadata["uid"]?.GetValue<string>())
            {
                throw ApiError.Conflict(definition, name);
            }
            var finalized = metadata["finalizers"] is JsonArray { Count: > 0 };
            if (dryRun)
            {
                if (finalized)
                {
                    metadata["deletionTimestamp"] ??= Now();
                }
                return (obj.ToJsonString(), finalized ? 202 : 200);
            }
            try
            {
                if (definition == ResourceDefinitions.Namespace)
                {
                    return await DeleteNamespaceAsync(current, cancellationToken);
                }
                if (finalized)
                {
                    // Finalizers hold the object: mark it, let their owners clean up and remove them.
                    if (metadata["deletionTimestamp"] is null)
                    {
                        metadata["deletionTimestamp"] = Now();
                        metadata["deletionGracePeriodSeconds"] = 0;
                        current = await store.UpdateAsync(key, obj, current.ResourceVersion, previous: null, cancellationToken);
                    }
                    return (current.Json, 202);
                }
                var deleted = await store.DeleteAsync(key, obj, current.ResourceVersion, cancellationToken);
                await FinishNamespaceIfEmptyAsync(@namespace, cancellationToken);
                return (deleted.Json, 200);
            }
            catch (StorageException e) when (e.Error == StorageError.Conflict && attempt < MaxConflictRetries)
            {
                // Changed between read and write: read again.
            }
            catch (StorageException e) when (e.Error == StorageError.NotFound)
            {
                throw ApiError.NotFound(definition, name);
            }
        }
    }

    private async Task<IResult> UpdateAsync(
        HttpContext http, ResourceDefinition definition, string? @namespace, string name, long? precondition, FieldManager fields,
        Func<JsonObject, (JsonObject Body, ApplyResult? Applied)> incoming, bool status)
    {
        var key = Key(definition, @namespace, name);
        for (var attempt = 0; ; attempt++)
        {
            var current = await store.GetAsync(key, http.RequestAborted) ?? throw ApiError.NotFound(definition, name);
            if (precondition is not null && precondition != current.ResourceVersion)
            {
                throw ApiError.Conflict(definition, name);
            }
            var currentJson = current.ToJson();
            // Neither a replace (which ignores it) nor a patch (which copies first) changes what it is given.
            var (body, applied) = incoming(currentJson);
            var next = status ? WithStatus(definition, currentJson, body, http) : WithSpec(definition, currentJson, body, http);
            next = fields.Track(currentJson, body, next, applied);
            try
            {
                return await CommitAsync(key, current, currentJson, next, DryRun(http), http.RequestAborted);
            }
            catch (StorageException e) when (e.Error == StorageError.Conflict)
            {
                if (precondition is not null || attempt >= MaxConflictRetries)
                {
                    throw ApiError.Conflict(definition, name);
                }
            }
            catch (StorageException e) when (e.Error == StorageError.NotFound)
            {
                throw ApiError.NotFound(definition, name);
            }
        }
    }

    private async Task<IResult> CommitAsync(
        ObjectKey key, StoredObject current, JsonObject currentJson, JsonObject next, bool dryRun, CancellationToken cancellationToken)
    {
        var nextMetadata = Metadata(next);
        if (dryRun)
        {
            nextMetadata["resourceVersion"] = currentJson["metadata"]?["resourceVersion"]?.DeepClone();
            return Json(next, 200);
        }
        if (nextMetadata["deletionTimestamp"] is not null && nextMetadata["finalizers"] is not JsonArray { Count: > 0 })
        {
            // The last finalizer is gone: the deletion completes.
            var deleted = await store.DeleteAsync(key, next, current.ResourceVersion, cancellationToken);
            await FinishNamespaceIfEmptyAsync(key.Namespace, cancellationToken);
            return Json(deleted.Json, 200);
        }
        nextMetadata["resourceVersion"] = currentJson["metadata"]?["resourceVersion"]?.DeepClone();
        if (JsonNode.DeepEquals(next, currentJson))
        {
            // No change, no new resourceVersion and no watch event: controllers can write status freely.
            return Json(current.Json, 200);
        }
        var stored = await store.UpdateAsync(key, next, current.ResourceVersion, currentJson, cancellationToken);
        return Json(stored.Json, 200);
    }

    /// <summary>The main resource: everything but status and the fields the server owns.</summary>
    private JsonObject WithSpec(ResourceDefinition definition, JsonObject current, JsonObject incoming, HttpContext http)
    {
        var next = (JsonObject)incoming.DeepClone();
        var metadata = Metadata(next);
        var currentMetadata = Metadata(current);
        foreach (var owned in new[] { "name", "namespace", "uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "generation" })
        {
            metadata[owned] = currentMetadata[owned]?.DeepClone();
        }
        metadata.Remove("managedFields");
        if (definition.HasStatus)
        {
            next["status"] = current["status"]?.DeepClone();
        }
        var normalized = Normalize(definition, next, http, validate: true);
        if (currentMetadata["deletionTimestamp"] is not null)
        {
            var before = Strings(currentMetadata["finalizers"]);
            var added = Strings(normalized["metadata"]?["finalizers"]).Except(before).ToList();
            if (added.Count > 0)
            {
                throw ApiError.Invalid(definition, metadata["name"]!.GetValue<string>(),
                    [new("metadata.finalizers", FieldErrorReasons.Forbidden, $"no new finalizers can be added if the object is being deleted, found new finalizers {string.Join(", ", added)}")]);
            }
        }
        if (ClusterKinds.ImmutableFieldErrors(definition, current, normalized).ToList() is { Count: > 0 } immutable)
        {
            throw ApiError.Invalid(definition, metadata["name"]!.GetValue<string>(), immutable);
        }
        if (!JsonNode.DeepEquals(normalized["spec"], current["spec"]))
        {
            normalized["metadata"]!["generation"] = (currentMetadata["generation"]?.GetValue<long>() ?? 0) + 1;
        }
        return normalized;
    }

    /// <summary>The status subresource: the stored object with only its status replaced.</summary>
    private JsonObject WithStatus(ResourceDefinition definition, JsonObject current, JsonObject incoming, HttpContext http)
    {
        var next = (JsonObject)current.DeepClone();
        next["status"] = incoming["status"]?.DeepClone();
        return Normalize(definition, next, http, validate: false);
    }

    /// <summary>
    /// Reads the object through its C# type: unknown fields are pruned (or refused with
    /// <c>fieldValidation=Strict</c>), defaults applied, and the kind's validation run.
    /// </summary>
    private JsonObject Normalize(ResourceDefinition definition, JsonObject obj, HttpContext http, bool validate)
    {
        var strict = string.Equals(http.Request.Query["fieldValidation"], "Strict", StringComparison.OrdinalIgnoreCase);
        IKubernetesObject<V1ObjectMeta> typed;
        try
        {
            typed = (IKubernetesObject<V1ObjectMeta>)(obj.Deserialize(definition.ClrType, strict ? ApiJson.Strict : ApiJson.Options)
                ?? throw ApiError.BadRequest("the request body is empty"));
        }
        catch (JsonException e)
        {
            var field = e.Path?.TrimStart('$', '.') ?? "";
            throw ApiError.BadRequest(strict && e.Message.Contains("could not be mapped", StringComparison.Ordinal)
                ? $"strict decoding error: unknown field \"{field}\""
                : $"the {definition.Kind} could not be read at \"{field}\": {e.Message.Split(". Path:")[0]}");
        }
        ClusterKinds.ApplyDefaults(typed);
        if (validate)
        {
            var errors = ResourceValidation.Validate(typed, options.Value.Validation);
            if (errors.Count > 0)
            {
                throw ApiError.Invalid(definition, typed.Metadata.Name ?? "", errors);
            }
        }
        return (JsonObject)JsonSerializer.SerializeToNode(typed, definition.ClrType, ApiJson.Options)!;
    }

    private void EnsureNamespaceAccepts(string @namespace)
    {
        switch (store.IsNamespaceTerminating(@namespace))
        {
            case null:
                throw ApiError.NotFound(ResourceDefinitions.Namespace, @namespace);
            case true:
                throw new ApiError(403, "Forbidden", $"unable to create new content in namespace {@namespace} because it is being terminated");
        }
    }

    /// <summary>
    /// Deleting a tenant deletes its objects (honouring their finalizers); the namespace stays
    /// Terminating until the last one is gone.
    /// </summary>
    private async Task<(string Json, int Code)> DeleteNamespaceAsync(StoredObject current, CancellationToken cancellationToken)
    {
        var obj = current.ToJson();
        var metadata = Metadata(obj);
        var @namespace = current.Key.Name;
        if (metadata["deletionTimestamp"] is null)
        {
            metadata["deletionTimestamp"] = Now();
            obj["status"] = new JsonObject { ["phase"] = "Terminating" };
            current = await store.UpdateAsync(current.Key, obj, current.ResourceVersion, previous: null, cancellationToken);
        }
        foreach (var definition in ResourceDefinitions.InNamespaces)
        {
            var children = await store.ListAsync(definition.Plural, @namespace, null, _ => true, int.MaxValue, cancellationToken);
            foreach (var child in children.Items)
            {
                try
                {
                    await DeleteObjectAsync(definition, @namespace, child.Key.Name, preconditions: null, dryRun: false, cancellationToken);
                }
                catch (ApiError e) when (e.Code == 404)
                {
                    // Gone meanwhile.
                }
            }
        }
        return await FinishNamespaceIfEmptyAsync(@namespace, cancellationToken) is { } deleted
            ? (deleted.Json, 200)
            : ((await store.GetAsync(current.Key, cancellationToken))?.Json ?? current.Json, 202);
    }

    private async Task<StoredObject?> FinishNamespaceIfEmptyAsync(string? @namespace, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(@namespace))
        {
            return null;
        }
        var key = Key(ResourceDefinitions.Namespace, null, @namespace);
        var stored = await store.GetAsync(key, cancellationToken);
        if (stored is null || stored.ToJson()["metadata"]?["deletionTimestamp"] is null)
        {
            return null;
        }
        foreach (var definition in ResourceDefinitions.InNamespaces)
        {
            if ((await store.ListAsync(definition.Plural, @namespace, null, _ => true, 1, cancellationToken)).Items.Count > 0)
            {
                return null;
            }
        }
        try
        {
            return await store.DeleteAsync(key, stored.ToJson(), stored.ResourceVersion, cancellationToken);
        }
        catch (StorageException)
        {
            // Another request finished it first.
            return null;
        }
    }

    private static ApiError ContinueExpired() =>
        ApiError.Gone("The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.");

    /// <summary>Fills in kind and apiVersion, refusing others with kube-apiserver's errors for a custom resource.</summary>
    private static void CheckTypeMeta(ResourceDefinition definition, JsonObject body)
    {
        var apiVersion = body["apiVersion"] is JsonValue version && version.TryGetValue<string>(out var v) ? v : body["apiVersion"]?.ToJsonString();
        var kind = body["kind"] is JsonValue kindValue && kindValue.TryGetValue<string>(out var k) ? k : body["kind"]?.ToJsonString();
        if (!string.IsNullOrEmpty(apiVersion) && apiVersion != definition.ApiVersion)
        {
            throw ApiError.BadRequest($"the API version in the data ({apiVersion}) does not match the expected API version ({definition.ApiVersion})");
        }
        if (!string.IsNullOrEmpty(kind) && kind != definition.Kind)
        {
            var name = body["metadata"]?["name"] is JsonValue nameValue && nameValue.TryGetValue<string>(out var n) ? n : "";
            throw new ApiError(422, "Invalid",
                $"{kind}{(definition.Group.Length == 0 ? "" : "." + definition.Group)} \"{name}\" is invalid: kind: Invalid value: \"{kind}\": must be {definition.Kind}",
                new()
                {
                    Name = name,
                    Group = definition.Group,
                    Kind = kind,
                    Causes = [new() { Reason = FieldErrorReasons.Invalid, Message = $"Invalid value: \"{kind}\": must be {definition.Kind}", Field = "kind" }],
                });
        }
        body["kind"] = definition.Kind;
        body["apiVersion"] = definition.ApiVersion;
    }

    /// <summary><c>?dryRun=All</c>: every check of the request, nothing stored.</summary>
    private static bool DryRun(HttpContext http) =>
        http.Request.Query["dryRun"].ToString() switch
        {
            "" => false,
            "All" => true,
            var other => throw ApiError.BadRequest($"dryRun: Unsupported value: \"{other}\": supported values: \"All\""),
        };

    private static JsonObject Metadata(JsonObject obj)
    {
        if (obj["metadata"] is JsonObject metadata)
        {
            return metadata;
        }
        if (obj["metadata"] is not null)
        {
            throw ApiError.BadRequest("metadata must be an object");
        }
        metadata = [];
        obj["metadata"] = metadata;
        return metadata;
    }

    private static async Task<JsonObject> ReadObjectAsync(HttpContext http) =>
        await ReadNodeAsync(http) as JsonObject ?? throw ApiError.BadRequest("the request body must be a JSON object");

    private static async Task<JsonNode?> ReadNodeAsync(HttpContext http)
    {
        try
        {
            return await JsonNode.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted);
        }
        catch (JsonException e)
        {
            throw ApiError.BadRequest($"the request body is not valid JSON: {e.Message}");
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            throw TooLarge(http);
        }
    }

    private static async Task<string> ReadTextAsync(HttpContext http)
    {
        try
        {
            using var reader = new StreamReader(http.Request.Body);
            return await reader.ReadToEndAsync(http.RequestAborted);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            throw TooLarge(http);
        }
    }

    private static ApiError TooLarge(HttpContext http) =>
        ApiError.RequestEntityTooLarge(http.Features.Get<IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize);

    private FieldManager Fields(HttpContext http, ResourceDefinition definition, bool status, bool apply) =>
        new(definition, FieldManager.ManagerOf(http, apply), status, time.GetUtcNow());

    private static IEnumerable<string> Strings(JsonNode? array) =>
        array is JsonArray items ? items.Select(item => item?.GetValue<string>() ?? "") : [];

    private string Now() => time.GetUtcNow().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string GenerateName(string prefix)
    {
        // Kubernetes' alphabet: no vowels (no words), no look-alikes.
        const string Alphabet = "bcdfghjklmnpqrstvwxz2456789";
        var suffix = string.Create(5, 0, (span, _) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = Alphabet[RandomNumberGenerator.GetInt32(Alphabet.Length)];
            }
        });
        return prefix[..Math.Min(prefix.Length, NameValidation.MaxNameLength - suffix.Length)] + suffix;
    }

    internal static ObjectKey Key(ResourceDefinition definition, string? @namespace, string name) =>
        new(definition.Plural, definition.Namespaced ? @namespace ?? "" : "", name);

    internal static long? ParseRevision(string? value) =>
        string.IsNullOrEmpty(value) ? null
        : long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var revision) ? revision
        : throw ApiError.BadRequest($"invalid resource version \"{value}\"");

    internal static string Revision(long revision) => revision.ToString(CultureInfo.InvariantCulture);

    private static int? ParseInt(string? value, string name) =>
        string.IsNullOrEmpty(value) ? null
        : int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? number
        : throw ApiError.BadRequest($"{name} must be a non-negative number");

    internal static IResult Json(JsonNode node, int statusCode) => Json(node.ToJsonString(), statusCode);

    internal static IResult Json(string json, int statusCode) => Results.Text(json, "application/json", statusCode: statusCode);
}
