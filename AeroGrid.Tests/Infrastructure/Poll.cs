namespace AeroGrid.Tests.Infrastructure;

/// <summary>Waits for something that happens in the background (an export, a recorded measurement) without fixed sleeps.</summary>
internal static class Poll
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(50);

    /// <summary>Calls <paramref name="probe"/> until it returns a value; fails the test after <paramref name="timeout"/>.</summary>
    public static async Task<T> UntilAsync<T>(Func<Task<T?>> probe, TimeSpan timeout, string waitingFor)
        where T : class
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (await probe() is { } result)
            {
                return result;
            }
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Gave up after {timeout.TotalSeconds:0.#} s waiting for {waitingFor}");
            }
            await Task.Delay(Interval, TestContext.Current.CancellationToken);
        }
    }
}
