using System.Text.Json.Nodes;
using System.Threading.Channels;
using k8s;

namespace AeroGrid.Tests.Conformance;

/// <summary>
/// One watch through KubernetesClient (<c>WatchListNamespacedCustomObjectAsync</c>):
/// its events, and the errors it reports (an ERROR event such as 410 Gone becomes a <see cref="KubernetesException"/>), read one by one with a timeout.
/// </summary>
internal sealed class KubeWatch : IAsyncDisposable
{
    private readonly Channel<(WatchEventType? Type, JsonObject? Object, Exception? Error)> _events = Channel.CreateUnbounded<(WatchEventType?, JsonObject?, Exception?)>();
    private readonly CancellationTokenSource _stop = new();
    private Task _pump = Task.CompletedTask;

    public static KubeWatch Start(Func<Action<Exception>, CancellationToken, IAsyncEnumerable<(WatchEventType, object)>> open)
    {
        var watch = new KubeWatch();
        watch._pump = watch.PumpAsync(open);
        return watch;
    }

    private async Task PumpAsync(Func<Action<Exception>, CancellationToken, IAsyncEnumerable<(WatchEventType, object)>> open)
    {
        try
        {
            await foreach (var (type, obj) in open(error => _events.Writer.TryWrite((null, null, error)), _stop.Token))
            {
                _events.Writer.TryWrite((type, KubeClients.ToJson(obj), null));
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or HttpRequestException)
        {
            // Disposed, or the stream was cut.
        }
        finally
        {
            _events.Writer.TryComplete();
        }
    }

    /// <summary>The next event or reported error; null when the watch ended.</summary>
    public async Task<(WatchEventType? Type, JsonObject? Object, Exception? Error)?> NextAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        return await _events.Reader.WaitToReadAsync(cts.Token) && _events.Reader.TryRead(out var next) ? next : null;
    }

    /// <summary>The next event that is not a bookmark.</summary>
    public async Task<(WatchEventType Type, JsonObject Object)> NextChangeAsync()
    {
        while (true)
        {
            var next = await NextAsync() ?? throw new InvalidOperationException("the watch ended");
            if (next.Error is { } error)
            {
                throw new InvalidOperationException("the watch reported an error", error);
            }
            if (next.Type != WatchEventType.Bookmark)
            {
                return (next.Type!.Value, next.Object!);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _pump;
        _stop.Dispose();
    }
}
