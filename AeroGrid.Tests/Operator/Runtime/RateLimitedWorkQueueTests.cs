using AeroGrid.Operator.Runtime;

namespace AeroGrid.Tests.Operator.Runtime;

public sealed class RateLimitedWorkQueueTests
{
    private static RateLimitedWorkQueue<string> NewQueue() => new(TimeSpan.FromMilliseconds(5), TimeSpan.FromSeconds(1000));

    private static async Task<string?> TakeAsync(RateLimitedWorkQueue<string> queue, int milliseconds = 1000)
    {
        using var timeout = new CancellationTokenSource(milliseconds);
        try
        {
            return await queue.TakeAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    [Fact]
    public async Task A_key_added_twice_while_waiting_is_handed_out_once()
    {
        using var queue = NewQueue();
        queue.Add("a");
        queue.Add("a");
        queue.Add("b");

        Assert.Equal("a", await TakeAsync(queue));
        Assert.Equal("b", await TakeAsync(queue));
        Assert.Null(await TakeAsync(queue, 100));
    }

    [Fact]
    public async Task A_key_being_processed_is_not_handed_to_a_second_worker_but_queued_again_after()
    {
        using var queue = NewQueue();
        queue.Add("a");
        var taken = await TakeAsync(queue);

        queue.Add("a");
        Assert.Null(await TakeAsync(queue, 100));

        queue.Done(taken!);
        Assert.Equal("a", await TakeAsync(queue));
    }

    [Fact]
    public void Failures_back_off_exponentially_per_key_and_success_resets()
    {
        using var queue = NewQueue();

        var delays = Enumerable.Range(0, 4).Select(_ => queue.AddRateLimited("a").TotalMilliseconds).ToList();
        Assert.Equal([5, 10, 20, 40], delays);
        Assert.Equal(5, queue.AddRateLimited("b").TotalMilliseconds);

        queue.Forget("a");
        Assert.Equal(5, queue.AddRateLimited("a").TotalMilliseconds);
    }

    [Fact]
    public void Backoff_is_capped()
    {
        using var queue = new RateLimitedWorkQueue<string>(TimeSpan.FromMilliseconds(5), TimeSpan.FromSeconds(1000));

        var last = TimeSpan.Zero;
        for (var i = 0; i < 40; i++)
        {
            last = queue.AddRateLimited("a");
        }
        Assert.Equal(TimeSpan.FromSeconds(1000), last);
    }

    [Fact]
    public async Task A_delayed_add_arrives_after_its_delay()
    {
        using var queue = NewQueue();
        var started = DateTime.UtcNow;

        queue.AddAfter("a", TimeSpan.FromMilliseconds(200));

        Assert.Equal("a", await TakeAsync(queue));
        Assert.True(DateTime.UtcNow - started >= TimeSpan.FromMilliseconds(190));
    }
}
