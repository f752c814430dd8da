using System.Runtime.CompilerServices;
using System.Text.Json;
using AeroGrid.Client.Generated.Gateway;
using AeroGrid.Client.Generated.Gateway.Apps.Item.Item;
using AeroGrid.Client.Http;
using AeroGrid.Client.SignIn;
using Microsoft.Kiota.Abstractions;
using Microsoft.Kiota.Serialization.Json;
using Error = AeroGrid.Client.Generated.Gateway.Models.Error;
using GeneratedSnapshot = AeroGrid.Client.Generated.Gateway.Models.GridSnapshot;

namespace AeroGrid.Client.Live;

/// <summary>
/// Live data of a tenant's apps through the gateway (<c>/apps/{tenant}/{app}/...</c>): grid and topic subscriptions
/// as <see cref="IAsyncEnumerable{T}"/>, resumed after dropped connections. Enumerate until you cancel.
/// </summary>
/// <remarks>
/// Listings and URLs come from the client Kiota generates from <c>openapi/gateway-apps.json</c>; the event streams are
/// read by hand (<see cref="EventStream"/>).
/// </remarks>
public sealed class LiveClient
{
    private readonly GatewayApi _gateway;
    private readonly EventStream _events;

    /// <summary>A client for the gateway at <paramref name="gateway"/>, calling as the signed-in person.</summary>
    public LiveClient(HttpClient http, Uri gateway, TokenSource tokens)
        : this(http, gateway, (tokens ?? throw new ArgumentNullException(nameof(tokens))).GetAccessTokenAsync)
    {
    }

    internal LiveClient(HttpClient http, Uri gateway, Func<CancellationToken, ValueTask<string>> token, TimeSpan? retry = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(gateway);
        _gateway = new GatewayApi(RequestAdapters.Create(http, gateway, token));
        _events = new EventStream(http, token) { DefaultRetry = retry ?? TimeSpan.FromSeconds(2) };
    }

    /// <summary>The grids the app publishes now.</summary>
    /// <exception cref="LiveException">Refused: no such app, not allowed, or the app is not running.</exception>
    public async Task<IReadOnlyList<GridInfo>> ListGridsAsync(string tenant, string app, CancellationToken cancellationToken = default)
    {
        var list = await Refused(() => App(tenant, app).Grids.GetAsync(cancellationToken: cancellationToken)).ConfigureAwait(false);
        return [.. (list?.Grids ?? []).Select(g => new GridInfo(g.Name ?? "", g.Key ?? "", GridColumn.From(g.Columns), g.Rows ?? 0, g.Version ?? 0))];
    }

    /// <summary>The topics the app publishes now.</summary>
    /// <exception cref="LiveException">Refused: no such app, not allowed, or the app is not running.</exception>
    public async Task<IReadOnlyList<TopicInfo>> ListTopicsAsync(string tenant, string app, CancellationToken cancellationToken = default)
    {
        var list = await Refused(() => App(tenant, app).Topics.GetAsync(cancellationToken: cancellationToken)).ConfigureAwait(false);
        return [.. (list?.Topics ?? []).Select(t => new TopicInfo(t.Name ?? "", t.Published ?? 0))];
    }

    /// <summary>
    /// The grid's events: a <see cref="GridSnapshot"/>, then <see cref="GridUpsert"/> and <see cref="GridDelete"/>. After a
    /// dropped connection the subscription resumes where it was; when the app cannot resume it (too far behind, or
    /// restarted) a fresh <see cref="GridSnapshot"/> comes instead.
    /// </summary>
    public async IAsyncEnumerable<GridEvent> SubscribeGridAsync(string tenant, string app, string grid,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var item in _events.ReadAsync(App(tenant, app).Grids[grid].Events.ToGetRequestInformation().URI, cancellationToken).ConfigureAwait(false))
        {
            using var json = JsonDocument.Parse(item.Data);
            var data = json.RootElement.Clone();
            var version = data.GetProperty("version").GetInt64();
            GridEvent? change = item.EventType switch
            {
                "snapshot" => Snapshot(data),
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
        await foreach (var item in _events.ReadAsync(App(tenant, app).Topics[topic].Events.ToGetRequestInformation().URI, cancellationToken).ConfigureAwait(false))
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

    private static GridSnapshot Snapshot(JsonElement data)
    {
        var snapshot = new JsonParseNode(data).GetObjectValue(GeneratedSnapshot.CreateFromDiscriminatorValue);
        return new GridSnapshot(snapshot.Key ?? "", GridColumn.From(snapshot.Columns), [.. data.GetProperty("rows").EnumerateArray()], snapshot.Version ?? 0);
    }

    private WithAppItemRequestBuilder App(string tenant, string app) => _gateway.Apps[tenant][app];

    /// <summary>The gateway's and the app's refusals (<c>{"error", "message"}</c>) as a <see cref="LiveException"/>.</summary>
    private static async Task<T> Refused<T>(Func<Task<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (Error e)
        {
            throw new LiveException(e.ResponseStatusCode, e.MessageEscaped ?? e.ErrorProp ?? "refused");
        }
        catch (ApiException e)
        {
            throw new LiveException(e.ResponseStatusCode, e.Message);
        }
    }
}
