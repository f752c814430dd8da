using System.Text.Json.Nodes;

namespace AeroGrid.AppHost.Auth0;

internal enum Outcome
{
    Unchanged,
    Updated,
    Created,
}

/// <summary>Converges one <see cref="Auth0Object"/>: read it, create it when missing, update it when a field AeroGrid sets differs.</summary>
internal static class Auth0Reconciler
{
    public static async Task<(Outcome Outcome, JsonObject Current)> EnsureAsync(ManagementApiClient auth0, Auth0Object target, CancellationToken cancellationToken)
    {
        var current = await target.FindAsync(auth0, cancellationToken);
        if (current is null)
        {
            var path = target.CreatePath ?? throw new ManagementApiException($"Auth0 has no {target.Kind} '{target.Name}', and it cannot be created");
            var created = await auth0.PostAsync(path, target.Desired.DeepClone(), cancellationToken);
            return (Outcome.Created, created as JsonObject ?? throw new ManagementApiException($"Auth0 created {target.Kind} '{target.Name}' but answered without it"));
        }
        if (Matches(target.Desired, current))
        {
            return (Outcome.Unchanged, current);
        }
        var update = (JsonObject)target.Desired.DeepClone();
        foreach (var field in target.CreateOnly)
        {
            update.Remove(field);
        }
        var updated = await auth0.PatchAsync(target.UpdatePath(current), update, cancellationToken);
        return (Outcome.Updated, updated as JsonObject ?? current);
    }

    /// <summary>
    /// True when <paramref name="current"/> holds every field of <paramref name="desired"/>: objects field by field (Auth0
    /// adds fields of its own), lists as sets (Auth0 need not keep their order), anything else exactly.
    /// </summary>
    public static bool Matches(JsonNode? desired, JsonNode? current) => (desired, current) switch
    {
        (JsonObject d, JsonObject c) => d.All(field => c.TryGetPropertyValue(field.Key, out var value) && Matches(field.Value, value)),
        (JsonArray d, JsonArray c) => d.Count == c.Count && Sorted(d).SequenceEqual(Sorted(c), StringComparer.Ordinal),
        _ => JsonNode.DeepEquals(desired, current),
    };

    private static IEnumerable<string> Sorted(JsonArray items) => items.Select(item => item?.ToJsonString() ?? "null").Order(StringComparer.Ordinal);
}
