namespace AeroGrid.Tests.Infrastructure;

/// <summary>Polls a condition until it holds: for states reached asynchronously, instead of fixed sleeps.</summary>
internal static class Eventually
{
    public static async Task<T> GetAsync<T>(Func<Task<T?>> probe, TimeSpan timeout, Func<string> describe)
        where T : class
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (await probe() is { } value)
            {
                return value;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"not reached within {timeout.TotalSeconds:F0} s: {describe()}");
            }
            await Task.Delay(50);
        }
    }

    public static Task<T> GetAsync<T>(Func<Task<T?>> probe, TimeSpan timeout, string waitingFor)
        where T : class => GetAsync(probe, timeout, () => waitingFor);

    public static Task TrueAsync(Func<Task<bool>> probe, TimeSpan timeout, Func<string> describe) =>
        GetAsync(async () => await probe() ? "" : null, timeout, describe);
}
