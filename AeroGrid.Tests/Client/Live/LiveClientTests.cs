using System.Text.Json;
using AeroGrid.Client.Live;
using AeroGrid.Tests.Infrastructure;

namespace AeroGrid.Tests.Client.Live;

/// <summary>
/// Grid and topic subscriptions of <see cref="LiveClient"/> through the real gateway to a real Python app. The network
/// between client and gateway is a <see cref="NetworkSwitch"/> (a test double of a broken network) to drop connections.
/// </summary>
public sealed class LiveClientTests(LiveAppFixture fixture) : IClassFixture<LiveAppFixture>, IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);
    private readonly NetworkSwitch _network = new() { InnerHandler = new HttpClientHandler() };
    private readonly CancellationTokenSource _done = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);

    [Fact]
    public async Task A_grid_subscription_starts_with_a_snapshot_then_follows_upserts_and_deletes()
    {
        await using var events = (await ClientAsync()).SubscribeGridAsync("acme", "live", "items", _done.Token).GetAsyncEnumerator(_done.Token);

        var snapshot = Assert.IsType<GridSnapshot>(await NextAsync(events));
        Assert.Contains(snapshot.Rows, row => row.GetProperty("id").GetString() == "a");
        Assert.Equal("id", snapshot.Key);
        Assert.Contains(new GridColumn("qty", GridColumnType.Integer), snapshot.Columns);

        await fixture.PostAsync("/items/b?qty=7");
        var upsert = Assert.IsType<GridUpsert>(await NextAsync(events));
        Assert.Equal(("b", 7), (upsert.Row.GetProperty("id").GetString(), upsert.Row.GetProperty("qty").GetInt32()));
        Assert.Equal(snapshot.Version + 1, upsert.Version);

        await fixture.PostAsync("/items/b?qty=8");
        await DeleteAsync("b");
        var skipped = await NextAsync(events); // the second upsert of b
        var delete = Assert.IsType<GridDelete>(await NextAsync(events));
        Assert.Equal("b", delete.Key.GetString());
        Assert.Equal(skipped.Version + 1, delete.Version);
    }

    [Fact]
    public async Task After_a_dropped_connection_the_subscription_resumes_from_the_last_event_id()
    {
        await using var events = (await ClientAsync()).SubscribeGridAsync("acme", "live", "items", _done.Token).GetAsyncEnumerator(_done.Token);
        var snapshot = Assert.IsType<GridSnapshot>(await NextAsync(events));
        var pending = NextAsync(events);

        _network.Cut();
        var version = JsonDocument.Parse(await fixture.PostAsync("/items/during-cut?qty=3")).RootElement.GetProperty("version").GetInt64();
        _network.Restore();

        // Not a snapshot: the change made while the network was down is resent, then the stream goes on.
        var missed = Assert.IsType<GridUpsert>(await pending);
        Assert.Equal(("during-cut", version), (missed.Row.GetProperty("id").GetString(), missed.Version));
        Assert.True(missed.Version > snapshot.Version);
        await DeleteAsync("during-cut");
        Assert.IsType<GridDelete>(await NextAsync(events));
    }

    [Fact]
    public async Task A_client_too_far_behind_gets_a_fresh_snapshot()
    {
        await using var events = (await ClientAsync()).SubscribeGridAsync("acme", "live", "items", _done.Token).GetAsyncEnumerator(_done.Token);
        Assert.IsType<GridSnapshot>(await NextAsync(events));
        var pending = NextAsync(events);

        _network.Cut();
        // More changes than the app keeps to resend (500).
        var version = JsonDocument.Parse(await fixture.PostAsync("/churn?n=600")).RootElement.GetProperty("version").GetInt64();
        _network.Restore();

        var fresh = Assert.IsType<GridSnapshot>(await pending);
        Assert.True(fresh.Version >= version);
        Assert.Equal(599, fresh.Rows.Single(row => row.GetProperty("id").GetString() == "churn").GetProperty("qty").GetInt32());
    }

    [Fact]
    public async Task A_topic_subscription_resends_the_messages_missed_while_disconnected()
    {
        await using var messages = (await ClientAsync()).SubscribeTopicAsync("acme", "live", "chat", _done.Token).GetAsyncEnumerator(_done.Token);
        var first = NextAsync(messages);
        // The subscription is open once a message reaches it; publish until one does.
        await Eventually.TrueAsync(async () =>
        {
            await fixture.PostAsync("/chat");
            return await Task.WhenAny(first, Task.Delay(200, _done.Token)) == first;
        }, Patience, () => "a topic message arrives");
        var seen = await first;
        var pending = NextAsync(messages);

        _network.Cut();
        await fixture.PostAsync("/chat");
        _network.Restore();

        var missed = await pending;
        Assert.Equal(seen.Sequence + 1, missed.Sequence);
        Assert.False(missed.AfterGap);
    }

    [Fact]
    public async Task The_grids_and_topics_of_an_app_are_listed_and_a_missing_app_is_a_refusal()
    {
        var client = await ClientAsync();

        var grid = Assert.Single(await client.ListGridsAsync("acme", "live", _done.Token));
        var topics = await client.ListTopicsAsync("acme", "live", _done.Token);
        var missing = await Assert.ThrowsAsync<LiveException>(() => client.ListGridsAsync("acme", "nope", _done.Token));

        Assert.Equal(("items", "id"), (grid.Name, grid.Key));
        Assert.Contains(new GridColumn("qty", GridColumnType.Integer), grid.Columns);
        Assert.Contains(topics, topic => topic.Name == "chat");
        Assert.Equal(404, missing.StatusCode);
        Assert.Contains("nope", missing.Message, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _done.Cancel();
        _done.Dispose();
        _network.Dispose();
    }

    private async Task<LiveClient> ClientAsync()
    {
        var token = await fixture.Gateway.TokenAsync("acme", "apps:invoke");
        return new LiveClient(new HttpClient(_network, disposeHandler: false), fixture.Gateway.Url, _ => ValueTask.FromResult(token), TimeSpan.FromMilliseconds(100));
    }

    private async Task DeleteAsync(string key)
    {
        using var http = fixture.Gateway.Client(await fixture.Gateway.TokenAsync("acme", "apps:invoke"));
        using var response = await http.DeleteAsync(new Uri($"/apps/acme/live/items/{key}", UriKind.Relative), _done.Token);
        response.EnsureSuccessStatusCode();
    }

    private static async Task<T> NextAsync<T>(IAsyncEnumerator<T> events)
    {
        var next = events.MoveNextAsync().AsTask().WaitAsync(Patience);
        Assert.True(await next, "the subscription ended");
        return events.Current;
    }
}
