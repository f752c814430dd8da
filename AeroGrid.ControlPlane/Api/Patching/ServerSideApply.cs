using System.Text.Json;
using System.Text.Json.Nodes;
using AeroGrid.Api.Meta;
using YamlDotNet.Core;

namespace AeroGrid.ControlPlane.Api.Patching;

/// <summary>What an apply leaves: the merged object (before the kind's defaults and validation) and its managers.</summary>
internal sealed record ApplyResult(JsonObject Merged, IReadOnlyList<ManagerEntry> Managers, ManagerEntry Applier);

/// <summary>
/// Server-side apply (<c>application/apply-patch+yaml</c>): the applier's configuration merged into the object, the
/// applier owning exactly the fields it sets, conflicts where another manager owns a field whose value it changes,
/// and the fields it stopped setting removed when no one else owns them.
/// </summary>
/// <remarks>
/// Our own, after https://kubernetes.io/docs/reference/using-api/server-side-apply/ and kube-apiserver's messages:
/// no .NET library does server-side apply. Objects merge field by field, list-maps item by item, other lists and
/// scalars are replaced; a <c>null</c> in the configuration removes the field.
/// </remarks>
internal static class ServerSideApply
{
    /// <summary>kube-apiserver's name for the owner of an object's fields from before anyone tracked them.</summary>
    private const string BeforeFirstApply = "before-first-apply";

    /// <param name="live">The stored object, or null when the apply creates it.</param>
    /// <exception cref="ApiError">409 on conflicts without <paramref name="force"/>; 422 when a list-map item lacks its key.</exception>
    public static ApplyResult Apply(FieldManager fields, JsonObject? live, JsonObject config, bool force)
    {
        var schema = fields.SchemaOfKind;
        var applier = fields.Entry(ManagerEntry.Apply, ObjectFields.Of(fields.Scope(config), schema));
        var entries = FieldManager.Read(live).ToList();
        if (live is not null && entries.Count == 0)
        {
            // An object no one tracked (managedFields cleared, or stored before they were) is owned, whole, by one
            // manager, so the first apply conflicts rather than silently taking it over.
            entries.Add(applier with { Manager = BeforeFirstApply, Operation = ManagerEntry.Update, Time = null, Fields = ObjectFields.Of(fields.Scope(live), schema) });
        }
        var previous = entries.FirstOrDefault(applier.SameManager)?.Fields ?? new FieldSet();
        var merged = (JsonObject)Merge(live ?? [], config, schema, [])!;

        var changed = ObjectFields.Compare(fields.Scope(live ?? []), fields.Scope(merged), schema).Changed.Intersect(applier.Fields);
        var others = entries.Where(entry => !entry.SameManager(applier)).ToList();
        var conflicts = others.SelectMany(other => other.Fields.Intersect(changed).Paths().Select(path => (Owner: other, Path: path))).ToList();
        if (conflicts.Count > 0 && !force)
        {
            throw Conflict(conflicts);
        }
        // Forced: the conflicting fields move to the applier. Unforced, no one else owns a changed field.
        others = [.. others.Select(other => other with { Fields = other.Fields.Except(changed) })];

        foreach (var dropped in previous.Except(applier.Fields).Paths())
        {
            if (!applier.Fields.Touches(dropped) && !others.Any(other => other.Fields.Touches(dropped)))
            {
                ObjectFields.Remove(merged, dropped, schema);
            }
        }
        return new ApplyResult(merged, [.. others, applier], applier);
    }

    /// <summary>
    /// Reads an apply body: JSON (what kubectl and KubernetesClient send), or YAML read as sigs.k8s.io/yaml reads it
    /// (YAML 1.1's booleans such as <c>yes</c>; numbers only in JSON's syntax, any other plain scalar a string).
    /// </summary>
    /// <exception cref="ApiError">400 when the body is neither, or not one object.</exception>
    public static JsonObject ReadConfiguration(string body)
    {
        JsonNode? node;
        try
        {
            node = body.TrimStart().StartsWith('{') ? JsonNode.Parse(body) : YamlJson.Read(body) is [var first, ..] ? first : null;
        }
        catch (Exception e) when (e is JsonException or YamlException)
        {
            throw ApiError.BadRequest($"error decoding YAML: {e.Message}");
        }
        return node as JsonObject ?? throw ApiError.BadRequest("the apply configuration must be one object");
    }

    private static JsonNode? Merge(JsonNode? live, JsonNode? config, JsonObject? schema, IReadOnlyList<string> path)
    {
        switch (live, config)
        {
            case (JsonObject liveObject, JsonObject configObject):
                var merged = (JsonObject)liveObject.DeepClone();
                foreach (var (name, value) in configObject)
                {
                    if (value is null)
                    {
                        merged.Remove(name);
                    }
                    else
                    {
                        merged[name] = Merge(liveObject[name], value, ObjectFields.Property(schema, name), [.. path, FieldSet.Field(name)]);
                    }
                }
                return merged;
            case (JsonArray liveItems, JsonArray configItems) when ObjectFields.MapKeys(schema) is { } keys:
                var items = (JsonArray)liveItems.DeepClone();
                foreach (var item in configItems)
                {
                    var index = ObjectFields.IndexOf(items, keys, ObjectFields.KeyOf(item, keys, path));
                    if (index < 0)
                    {
                        items.Add(item?.DeepClone());
                    }
                    else
                    {
                        items[index] = Merge(items[index], item, ObjectFields.Items(schema), path);
                    }
                }
                return items;
            default:
                return config?.DeepClone();
        }
    }

    /// <summary>kube-apiserver's 409: one line for one conflict, else the paths grouped by manager.</summary>
    private static ApiError Conflict(List<(ManagerEntry Owner, IReadOnlyList<string> Path)> conflicts)
    {
        var message = conflicts is [var only]
            ? $"Apply failed with 1 conflict: conflict with {only.Owner.Describe()}: {FieldSet.Format(only.Path)}"
            : $"Apply failed with {conflicts.Count} conflicts: " + string.Join("\n", conflicts
                .GroupBy(conflict => conflict.Owner.Describe())
                .OrderBy(group => group.Key, StringComparer.Ordinal)
                .SelectMany(group => group.Select(conflict => "- " + FieldSet.Format(conflict.Path)).Prepend($"conflicts with {group.Key}:")));
        return new ApiError(409, "Conflict", message, new StatusDetails
        {
            Causes = [.. conflicts.Select(conflict => new StatusCause
            {
                Reason = "FieldManagerConflict",
                Message = $"conflict with {conflict.Owner.Describe()}",
                Field = FieldSet.Format(conflict.Path),
            })],
        });
    }
}
