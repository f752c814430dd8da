using System.Runtime.CompilerServices;
using System.Text.Json;
using AeroGrid.Client.SignIn;

namespace AeroGrid.Client.Live;

/// <summary>
/// Live data of a tenant's apps through the gateway (<c>/apps/{tenant}/{app}/...</c>): grid and topic subscriptions
/// as <see cref="IAsyncEnumerable{T}"/>, resumed after dropped connections. Enumerate until you cancel.
/// </summary>
public sealed class LiveClient
{
    private readonly Uri _gateway;
    private readonly EventStream _events;

    /// <summary>A client for the gateway at <paramref name="gateway"/>, calling as the signed-in person.</summary>
    public LiveClient(HttpClient http, Uri gateway, TokenSource tokens)
        : this(http, gateway, (tokens ?? throw new ArgumentNullException(nameof(tokens))).GetAccessTokenAsync)
    {
    }

    internal LiveClient(HttpClient http, Uri gateway, Func<CancellationToken, ValueTask<string>> token, TimeSpan? retry = null)
    {
        _gateway = gateway;
        _events = new EventStream(http, token) { DefaultRetry = retry ?? TimeSpan.FromSeconds(2) };
    }

    /// <summary>
    /// The grid's events: a <see cref="GridSnapshot"/>, then <see cref="GridUpsert"/> and <see cref="GridDelete"/>. After a
    /// dropped connection the subscription resumes where it was; when the app cannot resume it (too far behind, or
    /// restarted) a fresh <see cref="GridSnapshot"/> comes instead.
    /// </summary>
    public async IAsyncEnumerable<GridEvent> SubscribeGridAsync(string tenant, string app, string grid,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var item in _events.ReadAsync(Url(tenant, app, "grids", grid), cancellationToken))
        {
            using var json = JsonDocument.Parse(item.Data);
            var data = json.RootElement.Clone();
            var version = data.GetProperty("version").GetInt64();
            GridEvent? change = item.EventType switch
            {
                "snapshot" => new GridSnapshot([.. data.GetProperty("columns").EnumerateArray()], [.. data.GetProperty("rows").EnumerateArray()], version),
                "upsert" => new GridUpsert(data.GetProperty("row"), version),
                "delete" => new GridDelete(data.GetProperty("key"), version),
                _ => null, // an event type of a newer SDK: skip
            };
            if (change is not null)
            {
                yield return change;
            }
        }
    }

    /// <summary>The topic's messages from now on; after a dropped connection, the missed ones first when the app still has them.</summary>
    public async IAsyncEnumerable<TopicMessage> SubscribeTopicAsync(string tenant, string app, string topic,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        (string Epoch, long Sequence)? last = null;
        await foreach (var item in _events.ReadAsync(Url(tenant, app, "topics", topic), cancellationToken))
        {
            var id = ParseId(item.EventId);
            using var json = JsonDocument.Parse(item.Data);
            yield return new TopicMessage(id.Sequence, json.RootElement.Clone(), last is { } seen && (seen.Epoch != id.Epoch || seen.Sequence + 1 != id.Sequence));
            last = id;
        }
    }

    /// <summary>The SDK's event ids are <c>{epoch}-{number}</c>: the epoch changes when the app restarts.</summary>
    private static (string Epoch, long Sequence) ParseId(string? id)
    {
        var dash = id?.LastIndexOf('-') ?? -1;
        return dash > 0 && long.TryParse(id.AsSpan(dash + 1), out var number) ? (id![..dash], number) : ("", 0);
    }

    private Uri Url(string tenant, string app, string kind, string name) =>
        new(_gateway, $"apps/{Uri.EscapeDataString(tenant)}/{Uri.EscapeDataString(app)}/{kind}/{Uri.EscapeDataString(name)}/events");
}
