using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using AeroGrid.Api.Resources;
using AeroGrid.Api.Schema;
using AeroGrid.Api.Serialization;
using k8s.Models;

namespace AeroGrid.ControlPlane.Api.Patching;

/// <summary>One managedFields entry: who wrote which fields, how and when.</summary>
internal sealed record ManagerEntry(string Manager, string Operation, string ApiVersion, string? Subresource, DateTimeOffset? Time, FieldSet Fields)
{
    public const string Apply = "Apply";
    public const string Update = "Update";

    /// <summary>kube-apiserver tells managers apart by name, operation and subresource.</summary>
    public bool SameManager(ManagerEntry other) =>
        Manager == other.Manager && Operation == other.Operation && Subresource == other.Subresource;

    /// <summary>The manager as a conflict names it: an updater with the version it used, an applier by name.</summary>
    public string Describe() =>
        $"\"{Manager}\"" + (Subresource is null ? "" : $" with subresource \"{Subresource}\"") + (Operation == Update ? $" using {ApiVersion}" : "");
}

/// <summary>
/// The managedFields of one write: who the writer is (the <c>fieldManager</c>, else its User-Agent's product) and
/// which fields it owns afterwards, as kube-apiserver records them.
/// </summary>
/// <remarks>
/// A write through the main resource owns everything but <c>status</c> (when the kind has a status subresource);
/// one through <c>/status</c> owns only <c>status</c>. The fields the server sets (name, uid, resourceVersion, ...)
/// belong to no one. Managed fields sent in a body are ignored, except <c>managedFields: [{}]</c>, which clears
/// them, as in Kubernetes; an object without managedFields is not tracked again until its next apply.
/// </remarks>
internal sealed class FieldManager
{
    private const int MaxManagerLength = 128;
    private static readonly string[] ServerMetadata =
        ["name", "namespace", "uid", "resourceVersion", "generation", "creationTimestamp", "deletionTimestamp",
         "deletionGracePeriodSeconds", "selfLink", "managedFields"];

    // Built on a kind's first write: the schemas of the Kubernetes kinds take a moment, and most runs never write them.
    private static readonly ConcurrentDictionary<ResourceDefinition, JsonObject> Schemas = new();

    private readonly ResourceDefinition _definition;
    private readonly DateTimeOffset _now;

    public FieldManager(ResourceDefinition definition, string manager, bool status, DateTimeOffset now)
    {
        _definition = definition;
        Manager = manager;
        Subresource = status ? "status" : null;
        _now = new DateTimeOffset(now.Ticks - now.Ticks % TimeSpan.TicksPerSecond, TimeSpan.Zero);
    }

    public string Manager { get; }

    public string? Subresource { get; }

    public JsonObject SchemaOfKind => Schemas.GetOrAdd(_definition, Schema);

    /// <summary>The manager of a request: <c>?fieldManager=</c>, else the User-Agent up to its first <c>/</c>.</summary>
    /// <exception cref="ApiError">400 when the manager is too long, or missing for an apply.</exception>
    public static string ManagerOf(HttpContext http, bool apply)
    {
        var given = http.Request.Query["fieldManager"].ToString();
        if (given.Length > MaxManagerLength)
        {
            throw ApiError.BadRequest($"PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Too long: may not be more than {MaxManagerLength} bytes");
        }
        if (given.Length > 0)
        {
            return given;
        }
        if (apply)
        {
            throw ApiError.BadRequest("PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is required for apply patch");
        }
        var product = http.Request.Headers.UserAgent.ToString().Split('/')[0];
        return product[..Math.Min(product.Length, MaxManagerLength)];
    }

    /// <summary>Whether a non-apply write asks to clear managedFields (<c>[{}]</c>; an empty list leaves them be).</summary>
    public static bool IsReset(JsonObject body) =>
        body["metadata"]?["managedFields"] is JsonArray { Count: 1 } entries && entries[0] is JsonObject { Count: 0 };

    public static IReadOnlyList<ManagerEntry> Read(JsonObject? obj)
    {
        if (obj?["metadata"]?["managedFields"] is not JsonArray entries)
        {
            return [];
        }
        return [.. entries.OfType<JsonObject>().Select(entry => new ManagerEntry(
            Text(entry["manager"]) ?? "",
            Text(entry["operation"]) ?? ManagerEntry.Update,
            Text(entry["apiVersion"]) ?? "",
            Text(entry["subresource"]) is { Length: > 0 } subresource ? subresource : null,
            Text(entry["time"]) is { } time ? DateTimeOffset.Parse(time, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal) : null,
            FieldSet.Parse(entry["fieldsV1"])))];
    }

    /// <summary>This writer's entry for an operation, with no fields yet.</summary>
    public ManagerEntry Entry(string operation, FieldSet fields) => new(Manager, operation, _definition.ApiVersion, Subresource, _now, fields);

    /// <summary>The part of an object this writer's endpoint can own, for the field walks.</summary>
    public JsonObject Scope(JsonObject obj)
    {
        var scoped = new JsonObject();
        foreach (var (name, value) in obj)
        {
            var isStatus = name == "status" && _definition.HasStatus;
            if (name is "apiVersion" or "kind" || isStatus != (Subresource is not null))
            {
                continue;
            }
            scoped[name] = value?.DeepClone();
        }
        if (scoped["metadata"] is JsonObject metadata)
        {
            foreach (var owned in ServerMetadata)
            {
                metadata.Remove(owned);
            }
            if (metadata.Count == 0)
            {
                scoped.Remove("metadata");
            }
        }
        return scoped;
    }

    /// <summary>The managedFields of a write: the apply's managers when it is one, else this writer's Update entry.</summary>
    public JsonObject Track(JsonObject? current, JsonObject body, JsonObject next, ApplyResult? applied) =>
        applied is null ? Update(current, body, next) : Write(current, Read(current), next, applied.Managers, applied.Applier);

    /// <summary>
    /// Records a create, update or non-apply patch: the fields it changed move to this writer (taken from the others
    /// without conflict), the fields it removed leave every entry.
    /// </summary>
    /// <param name="current">The stored object, or null for a create.</param>
    /// <param name="body">What the client sent (only to see a reset).</param>
    /// <param name="next">The object about to be stored.</param>
    private JsonObject Update(JsonObject? current, JsonObject body, JsonObject next)
    {
        var entries = Read(current);
        if (IsReset(body) && Subresource is null || current is not null && entries.Count == 0)
        {
            Metadata(next).Remove("managedFields");
            return next;
        }
        var (changed, removed) = ObjectFields.Compare(Scope(current ?? []), Scope(next), SchemaOfKind);
        var writer = Entry(ManagerEntry.Update, new FieldSet());
        var updated = entries.Select(entry => entry with { Fields = entry.Fields.ExceptBelow(removed) }).ToList();
        for (var i = 0; i < updated.Count; i++)
        {
            if (updated[i].SameManager(writer))
            {
                writer = updated[i];
                updated.RemoveAt(i--);
            }
            else
            {
                updated[i] = updated[i] with { Fields = updated[i].Fields.Except(changed) };
            }
        }
        updated.Add(writer with { Fields = writer.Fields.Union(changed) });
        return Write(current, entries, next, updated, writer);
    }

    /// <summary>
    /// Stores <paramref name="entries"/> in <paramref name="next"/>. The writer's entry gets a new time only when the
    /// write changes the object or the writer's fields, so a write that changes nothing keeps its resourceVersion;
    /// the others keep theirs (losing fields to another manager is not their write).
    /// </summary>
    private JsonObject Write(JsonObject? current, IReadOnlyList<ManagerEntry> before, JsonObject next, IEnumerable<ManagerEntry> entries, ManagerEntry writer)
    {
        var changed = current is null || !SameButVersions(current, next);
        var written = entries
            .Where(entry => !entry.Fields.IsEmpty)
            .Select(entry =>
            {
                var previous = before.FirstOrDefault(entry.SameManager);
                var touched = previous is null || entry.SameManager(writer) && (changed || !previous.Fields.SetEquals(entry.Fields));
                return entry with { Time = touched ? _now : previous!.Time };
            })
            .OrderBy(entry => entry.Operation, StringComparer.Ordinal)
            .ThenBy(entry => entry.Time)
            .ThenBy(entry => entry.Manager, StringComparer.Ordinal)
            .ThenBy(entry => entry.Subresource, StringComparer.Ordinal)
            .Select(entry => new V1ManagedFieldsEntry
            {
                Manager = entry.Manager,
                Operation = entry.Operation,
                ApiVersion = entry.ApiVersion,
                Time = entry.Time?.UtcDateTime,
                FieldsType = "FieldsV1",
                FieldsV1 = entry.Fields.ToFieldsV1(),
                Subresource = entry.Subresource,
            })
            .ToList();
        // Written as V1ObjectMeta writes them, so that reading the object through its C# type changes nothing.
        if (written.Count == 0)
        {
            Metadata(next).Remove("managedFields");
        }
        else
        {
            Metadata(next)["managedFields"] = JsonSerializer.SerializeToNode(written, ApiJson.Options);
        }
        return next;
    }

    /// <summary>Whether two versions of an object differ in nothing but their resourceVersion and managedFields.</summary>
    private static bool SameButVersions(JsonObject a, JsonObject b)
    {
        static bool Versioning(string name) => name is "managedFields" or "resourceVersion";
        static bool Equal(JsonObject x, JsonObject y, Func<string, bool> skip) =>
            x.Where(p => !skip(p.Key)).All(p => y.TryGetPropertyValue(p.Key, out var other) && JsonNode.DeepEquals(p.Value, other))
            && y.Count(p => !skip(p.Key)) == x.Count(p => !skip(p.Key));
        return Equal(a, b, name => name == "metadata")
            && (a["metadata"], b["metadata"]) switch
            {
                (JsonObject x, JsonObject y) => Equal(x, y, Versioning),
                var (x, y) => JsonNode.DeepEquals(x, y),
            };
    }

    /// <summary>
    /// The kind's structural schema, with the list-map of ObjectMeta that kube-apiserver merges by key
    /// (ownerReferences by uid); the generator leaves metadata to the API server.
    /// </summary>
    private static JsonObject Schema(ResourceDefinition definition)
    {
        var schema = OpenApiSchemaGenerator.Generate(definition.ClrType);
        schema["properties"]!["metadata"] = new JsonObject
        {
            ["type"] = "object",
            ["properties"] = new JsonObject
            {
                ["ownerReferences"] = new JsonObject
                {
                    ["type"] = "array",
                    ["x-kubernetes-list-type"] = "map",
                    ["x-kubernetes-list-map-keys"] = new JsonArray("uid"),
                },
            },
        };
        return schema;
    }

    private static JsonObject Metadata(JsonObject obj) => (JsonObject)(obj["metadata"] ??= new JsonObject());

    private static string? Text(JsonNode? node) => node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
}
