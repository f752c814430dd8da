using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace AeroGrid.Tests.Infrastructure.Cluster;

/// <summary>
/// The loop of a controller double: a reconcile pass over everything it owns whenever a watched kind changes, and once
/// a second besides, for what only time advances (progress deadlines, active deadlines, TTLs).
/// </summary>
/// <remarks>
/// kube-controller-manager's controllers keep informer caches and work queues per object; a double with a handful of
/// objects lists them in each pass instead, which behaves the same from the API's side and is harder to get wrong.
/// </remarks>
internal sealed class ControllerLoop : IAsyncDisposable
{
    private static readonly TimeSpan Resync = TimeSpan.FromSeconds(1);

    private readonly Func<CancellationToken, Task> _pass;
    private readonly Func<CancellationToken, IAsyncEnumerable<object>>[] _watches;
    private readonly SemaphoreSlim _changed = new(0);
    private readonly CancellationTokenSource _stop = new();
    private Task _running = Task.CompletedTask;

    public ControllerLoop(Func<CancellationToken, Task> pass, params Func<CancellationToken, IAsyncEnumerable<object>>[] watches)
    {
        _pass = pass;
        _watches = watches;
    }

    /// <summary>A watch of one kind across namespaces, its events only as a signal.</summary>
    public static Func<CancellationToken, IAsyncEnumerable<object>> Watching<T>(
        Func<Action<Exception>, CancellationToken, IAsyncEnumerable<(WatchEventType, T)>> watch) =>
        token => Signals(watch, token);

    /// <summary>What the last failed pass threw, other than the API's conflicts and outages.</summary>
    public Exception? LastFailure { get; private set; }

    public void Start() => _running = Task.WhenAll([RunPassesAsync(_stop.Token), .. _watches.Select(watch => WatchAsync(watch, _stop.Token))]);

    private async Task RunPassesAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await _pass(stop);
            }
            catch (HttpOperationException e) when (e.Response.StatusCode is HttpStatusCode.Conflict or HttpStatusCode.NotFound)
            {
                // Changed or gone meanwhile: the next pass sees it as it is.
            }
            catch (Exception e) when (e is HttpRequestException or IOException && !stop.IsCancellationRequested)
            {
                // The API went away for a moment: try again on the next pass.
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (!stop.IsCancellationRequested)
            {
                // A bug of the double, not of what it serves: kept for the test that fails on it to tell, and tried again.
                LastFailure = e;
            }
            try
            {
                await _changed.WaitAsync(Resync, stop);
                // What came together makes one pass.
                while (_changed.CurrentCount > 0)
                {
                    await _changed.WaitAsync(stop);
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task WatchAsync(Func<CancellationToken, IAsyncEnumerable<object>> watch, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await foreach (var _ in watch(stop))
                {
                    _changed.Release();
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is HttpRequestException or IOException or HttpOperationException or KubernetesException)
            {
                // Watched again below; the periodic pass covers the gap.
            }
            await Task.Delay(Resync, stop).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    private static async IAsyncEnumerable<object> Signals<T>(
        Func<Action<Exception>, CancellationToken, IAsyncEnumerable<(WatchEventType, T)>> watch,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken token)
    {
        await foreach (var (_, obj) in watch(_ => { }, token))
        {
            yield return obj!;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _running;
        _stop.Dispose();
        _changed.Dispose();
    }
}
