using AeroGrid.Api.Client;

namespace AeroGrid.Tests.Client;

public sealed class BackoffTests
{
    [Fact]
    public void Doubles_up_to_the_maximum_and_starts_over_after_a_success()
    {
        var backoff = new Backoff(TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(1));

        Assert.Equal([200, 400, 800, 1000, 1000], Enumerable.Range(0, 5).Select(_ => backoff.Next().TotalMilliseconds));

        backoff.Reset();
        Assert.Equal(TimeSpan.FromMilliseconds(200), backoff.Next());
    }
}
