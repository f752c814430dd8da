namespace AeroGrid.Operator.Runtime;

/// <summary>Tunables of every controller. Bound from <c>Operator:Controllers</c>.</summary>
internal sealed class ControllerOptions
{
    /// <summary>Reconciles running at once per controller (different keys; one key is never reconciled twice at once).</summary>
    public int Workers { get; set; } = 4;

    public TimeSpan BaseBackoff { get; set; } = TimeSpan.FromMilliseconds(5);

    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(1000);

    /// <summary>How often every object is reconciled again even without a change (level-triggered safety net).</summary>
    public TimeSpan ResyncPeriod { get; set; } = TimeSpan.FromMinutes(10);
}
