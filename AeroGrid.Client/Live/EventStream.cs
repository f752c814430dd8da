using System.Net.Http.Headers;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;

namespace AeroGrid.Client.Live;

/// <summary>
/// Server-Sent Events from an app through the gateway, resumed after a dropped connection: reconnects with
/// <c>Last-Event-ID</c> after the server's retry interval, so the app resends what was missed or starts afresh.
/// </summary>
/// <remarks>
/// Written by hand: the OpenAPI generators (Kiota, NSwag) read a response whole and have no SSE support.
/// </remarks>
internal sealed class EventStream(HttpClient http, Func<CancellationToken, ValueTask<string>> token)
{
    /// <summary>The pause before reconnecting when the server names none (the SDK sends <c>retry: 2000</c>).</summary>
    public TimeSpan DefaultRetry { get; init; } = TimeSpan.FromSeconds(2);

    public async IAsyncEnumerable<SseItem<string>> ReadAsync(Uri url, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? lastEventId = null;
        var retry = DefaultRetry;
        while (true)
        {
            var items = Connect(url, lastEventId, cancellationToken).GetAsyncEnumerator(cancellationToken);
            try
            {
                while (true)
                {
                    SseItem<string> item;
                    try
                    {
                        if (!await items.MoveNextAsync().ConfigureAwait(false))
                        {
                            break;
                        }
                        item = items.Current;
                    }
                    catch (Exception e) when (e is HttpRequestException or IOException && !cancellationToken.IsCancellationRequested)
                    {
                        break; // a dropped connection: reconnect below
                    }
                    lastEventId = item.EventId ?? lastEventId;
                    retry = item.ReconnectionInterval ?? retry;
                    yield return item;
                }
            }
            finally
            {
                await items.DisposeAsync().ConfigureAwait(false);
            }
            await Task.Delay(retry, cancellationToken).ConfigureAwait(false);
        }
    }

    private async IAsyncEnumerable<SseItem<string>> Connect(Uri url, string? lastEventId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await token(cancellationToken).ConfigureAwait(false));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        if (lastEventId is not null)
        {
            request.Headers.TryAddWithoutValidation("Last-Event-ID", lastEventId);
        }
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if ((int)response.StatusCode is >= 400 and < 500)
        {
            // 401/403/404 do not heal by retrying: the caller learns at once.
            throw new LiveException(url, (int)response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false));
        }
        // 502/503 while the app restarts or redeploys do heal: the caller reconnects.
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using var _ = body.ConfigureAwait(false);
        await foreach (var item in SseParser.Create(body).EnumerateAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return item;
        }
    }
}
