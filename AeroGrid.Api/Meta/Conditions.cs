using k8s.Models;

namespace AeroGrid.Api.Meta;

/// <summary>Setting a condition the Kubernetes way: the transition time changes only when the status does.</summary>
public static class Conditions
{
    public static List<V1Condition> Set(IEnumerable<V1Condition>? conditions, V1Condition condition, DateTimeOffset now)
    {
        var result = conditions?.Where(c => c.Type != condition.Type).ToList() ?? [];
        var previous = Find(conditions, condition.Type);
        result.Add(condition with
        {
            LastTransitionTime = previous is not null && previous.Status == condition.Status
                ? previous.LastTransitionTime
                : WholeSeconds(now),
        });
        return [.. result.OrderBy(c => c.Type, StringComparer.Ordinal)];
    }

    public static V1Condition? Find(IEnumerable<V1Condition>? conditions, string type) =>
        conditions?.FirstOrDefault(c => c.Type == type);

    /// <summary>Kubernetes' <c>metav1.Time</c> has whole seconds; a finer time would change on every round trip.</summary>
    private static DateTime WholeSeconds(DateTimeOffset time) =>
        new(time.UtcTicks - time.UtcTicks % TimeSpan.TicksPerSecond, DateTimeKind.Utc);
}

public static class ConditionStatus
{
    public const string True = "True";
    public const string False = "False";
    public const string Unknown = "Unknown";
}
