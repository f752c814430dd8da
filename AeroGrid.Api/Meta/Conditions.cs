namespace AeroGrid.Api.Meta;

/// <summary>Setting a condition the Kubernetes way: the transition time changes only when the status does.</summary>
public static class Conditions
{
    public static List<Condition> Set(IReadOnlyList<Condition>? conditions, Condition condition, DateTimeOffset now)
    {
        var result = conditions?.Where(c => c.Type != condition.Type).ToList() ?? [];
        var previous = conditions?.FirstOrDefault(c => c.Type == condition.Type);
        result.Add(condition with
        {
            LastTransitionTime = previous is not null && previous.Status == condition.Status ? previous.LastTransitionTime : now,
        });
        return [.. result.OrderBy(c => c.Type, StringComparer.Ordinal)];
    }

    public static Condition? Find(IReadOnlyList<Condition>? conditions, string type) =>
        conditions?.FirstOrDefault(c => c.Type == type);
}
