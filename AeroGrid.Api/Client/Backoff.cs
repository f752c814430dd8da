namespace AeroGrid.Api.Client;

/// <summary>Exponential backoff: <c>initial</c>, doubling per failure up to <c>max</c>, back to <c>initial</c> after a success.</summary>
internal sealed class Backoff(TimeSpan initial, TimeSpan max)
{
    private TimeSpan? _next;

    /// <summary>The wait before the next attempt.</summary>
    public TimeSpan Next()
    {
        var delay = _next ?? initial;
        _next = TimeSpan.FromTicks(Math.Min(max.Ticks, delay.Ticks * 2));
        return delay;
    }

    public void Reset() => _next = null;
}
