using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using AeroGrid.Api.Meta;
using k8s;
using Microsoft.Extensions.Logging;
using KubernetesObject = AeroGrid.Api.Meta.KubernetesObject;
using WatchEventType = k8s.WatchEventType;

namespace AeroGrid.Api.Client;

/// <summary>
/// A local, always-current copy of a collection: lists it, then watches from the list's resourceVersion,
/// and tells subscribers about every change. Lists again when the watch is too old (410), reconnects with
/// backoff when the connection breaks. Controllers read the cache instead of the API.
/// </summary>
/// <remarks>
/// Subscribers run one at a time, in the order of the changes, on the informer's loop: keep them short
/// (put a key on a work queue). They may read the cache, which already holds the change.
/// </remarks>
public sealed class Informer<T>
    where T : KubernetesObject
{
    private readonly ResourceClient<T> _client;
    private readonly InformerOptions _options;
    private readonly ILogger _logger;
    private readonly string _resource;
    private readonly ConcurrentDictionary<string, T> _cache = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource _synced = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // Serializes changes of the cache with their notifications and with (un)subscribing, so every subscriber
    // sees each change once and in order. Readers of the cache do not take it.
    private readonly Lock _gate = new();
    private Action<InformerEvent<T>>? _handlers;

    // The resourceVersion to watch from: the list's, then the last event's; null means list again.
    private string? _resourceVersion;
    private int _running;

    public Informer(ResourceClient<T> client, InformerOptions options, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        _client = client;
        _options = options;
        _logger = logger;
        _resource = client.Definition.Plural + (options.Namespace is null ? "" : $" in {options.Namespace}");
    }

    /// <summary>True once the first list is in the cache.</summary>
    public bool HasSynced => _synced.Task.IsCompleted;

    /// <summary>
    /// Every change of the cache. A new subscriber first gets Added for each object already cached,
    /// so it does not matter whether it subscribes before or after the informer synced.
    /// </summary>
    public event Action<InformerEvent<T>> Changed
    {
        add
        {
            lock (_gate)
            {
                foreach (var obj in _cache.Values)
                {
                    Notify(value, new InformerEvent<T>(InformerEventType.Added, obj));
                }
                _handlers += value;
            }
        }
        remove
        {
            lock (_gate)
            {
                _handlers -= value;
            }
        }
    }

    /// <summary>Completes once the first list is in the cache.</summary>
    public Task WaitForSyncAsync(CancellationToken cancellationToken) => _synced.Task.WaitAsync(cancellationToken);

    /// <summary>The cached object, or null.</summary>
    public T? TryGet(string? @namespace, string name) => _cache.GetValueOrDefault(ObjectKey.Of(@namespace, name));

    /// <summary>A snapshot of the cached objects, of one namespace or of all.</summary>
    public IReadOnlyList<T> List(string? @namespace = null) =>
        [.. _cache.Values.Where(o => @namespace is null || o.Metadata.NamespaceProperty == @namespace)];

    /// <summary>Lists, watches and keeps the cache current until <paramref name="cancellationToken"/> is cancelled, then returns.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _running, 1) == 1)
        {
            throw new InvalidOperationException("The informer is already running.");
        }
        try
        {
            await Task.WhenAll(ListAndWatchAsync(cancellationToken), ResyncAsync(cancellationToken)).ConfigureAwait(false);
        }
        finally
        {
            Volatile.Write(ref _running, 0);
        }
    }

    private async Task ListAndWatchAsync(CancellationToken cancellationToken)
    {
        var backoff = new Backoff(_options.InitialBackoff, _options.MaxBackoff);
        var started = Stopwatch.StartNew();
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                if (_resourceVersion is null)
                {
                    await ListAsync(cancellationToken).ConfigureAwait(false);
                    backoff.Reset();
                }
                await WatchAsync(backoff, cancellationToken).ConfigureAwait(false);
            }
            // A list failing with 410 (its continue token expired) is retried with backoff below, so it cannot spin.
            catch (Exception e) when (ApiErrors.StatusCodeOf(e) == HttpStatusCode.Gone && _resourceVersion is not null)
            {
                InformerLog.Expired(_logger, _resource, _resourceVersion);
                _resourceVersion = null;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            // Whatever broke (server down, connection cut, a bad response), the cache must outlive it: retry.
            catch (Exception e)
            {
                TimeSpan delay;
                if (!HasSynced && started.Elapsed < _options.StartupGrace && CouldNotConnect(e))
                {
                    // Started with its API server, as an AppHost starts them: not a failure yet, and the server is
                    // noticed within one short wait of its first answer.
                    delay = _options.InitialBackoff;
                    InformerLog.WaitingForServer(_logger, _resource, delay);
                }
                else
                {
                    delay = backoff.Next();
                    InformerLog.WatchFailed(_logger, _resource, delay, e);
                }
                try
                {
                    await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private static bool CouldNotConnect(Exception e) =>
        e is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError } || (e.InnerException is { } inner && CouldNotConnect(inner));

    private async Task ListAsync(CancellationToken cancellationToken)
    {
        var items = new Dictionary<string, T>(StringComparer.Ordinal);
        string? resourceVersion = null;
        string? continueToken = null;
        do
        {
            var page = await _client.ListAsync(_options.Namespace, _options.LabelSelector, _options.PageSize, continueToken, cancellationToken).ConfigureAwait(false);
            // Every page is of the first page's snapshot.
            resourceVersion ??= page.Metadata.ResourceVersion;
            foreach (var item in page.Items)
            {
                items[ObjectKey.Of(item)] = item;
            }
            continueToken = page.Metadata.ContinueProperty;
        }
        while (!string.IsNullOrEmpty(continueToken));

        Replace(items);
        _resourceVersion = resourceVersion ?? throw new InvalidOperationException($"The list of {_resource} has no resourceVersion.");
        _synced.TrySetResult();
        InformerLog.Synced(_logger, _resource, items.Count, _resourceVersion);
    }

    private async Task WatchAsync(Backoff backoff, CancellationToken cancellationToken)
    {
        // A connection can die without closing (a NAT or load balancer forgets it, a node vanishes): nothing arrives,
        // nothing fails, and a plain watch waits forever (KubernetesClient issues #533, #884, #515). Events and bookmarks
        // keep a live watch talking, so silence for longer than the idle timeout means it is dead: watch again from
        // the last resourceVersion, which loses nothing.
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        idle.CancelAfter(_options.WatchIdleTimeout);
        var events = _client.WatchAsync(
            _options.Namespace, _resourceVersion, _options.LabelSelector, allowBookmarks: true,
            (int)_options.WatchTimeout.TotalSeconds, idle.Token);
        try
        {
            await foreach (var (type, obj) in events.ConfigureAwait(false))
            {
                idle.CancelAfter(_options.WatchIdleTimeout);
                Apply(type, obj);
                _resourceVersion = obj.Metadata?.ResourceVersion ?? _resourceVersion;
                backoff.Reset();
            }
            InformerLog.WatchEnded(_logger, _resource, _resourceVersion!);
        }
        catch (OperationCanceledException) when (idle.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            InformerLog.WatchSilent(_logger, _resource, _options.WatchIdleTimeout, _resourceVersion!);
        }
    }

    private async Task ResyncAsync(CancellationToken cancellationToken)
    {
        if (_options.ResyncPeriod is not { } period)
        {
            return;
        }
        using var timer = new PeriodicTimer(period);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                lock (_gate)
                {
                    foreach (var obj in _cache.Values)
                    {
                        Publish(new InformerEvent<T>(InformerEventType.Updated, obj, obj));
                    }
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopped.
        }
    }

    /// <summary>Makes the cache the list's content: what changed is Added or Updated, what vanished while unwatched is Deleted.</summary>
    private void Replace(Dictionary<string, T> items)
    {
        lock (_gate)
        {
            foreach (var (key, old) in _cache)
            {
                if (!items.ContainsKey(key) && _cache.TryRemove(key, out _))
                {
                    Publish(new InformerEvent<T>(InformerEventType.Deleted, old, old));
                }
            }
            foreach (var (key, item) in items)
            {
                Store(key, item);
            }
        }
    }

    private void Apply(WatchEventType type, T obj)
    {
        if (type == WatchEventType.Bookmark)
        {
            return;
        }
        var key = ObjectKey.Of(obj);
        lock (_gate)
        {
            if (type == WatchEventType.Deleted)
            {
                _cache.TryRemove(key, out var old);
                Publish(new InformerEvent<T>(InformerEventType.Deleted, obj, old));
            }
            else
            {
                Store(key, obj);
            }
        }
    }

    /// <summary>Caches the object; Added when it is new, Updated when its resourceVersion moved, nothing when it did not.</summary>
    private void Store(string key, T obj)
    {
        if (!_cache.TryGetValue(key, out var old))
        {
            _cache[key] = obj;
            Publish(new InformerEvent<T>(InformerEventType.Added, obj));
        }
        else if (old.Metadata.ResourceVersion != obj.Metadata.ResourceVersion)
        {
            _cache[key] = obj;
            Publish(new InformerEvent<T>(InformerEventType.Updated, obj, old));
        }
    }

    private void Publish(InformerEvent<T> e)
    {
        if (_handlers is { } handlers)
        {
            foreach (var handler in handlers.GetInvocationList())
            {
                Notify((Action<InformerEvent<T>>)handler, e);
            }
        }
    }

    /// <summary>A failing subscriber is logged and does not stop the informer or the other subscribers.</summary>
    private void Notify(Action<InformerEvent<T>> handler, InformerEvent<T> e)
    {
        try
        {
            handler(e);
        }
        catch (Exception exception)
        {
            InformerLog.HandlerFailed(_logger, _resource, ObjectKey.Of(e.Object), exception);
        }
    }
}
