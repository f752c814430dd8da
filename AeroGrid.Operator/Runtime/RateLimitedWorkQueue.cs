namespace AeroGrid.Operator.Runtime;

/// <summary>
/// A work queue of keys, after client-go's: a key waiting twice is queued once, a key being processed is
/// never handed to a second worker (it is queued again when the first finishes), and failures back off
/// per key exponentially.
/// </summary>
internal sealed class RateLimitedWorkQueue<TKey> : IDisposable
    where TKey : notnull
{
    private readonly Lock _lock = new();
    private readonly Queue<TKey> _queue = new();
    private readonly HashSet<TKey> _dirty = [];
    private readonly HashSet<TKey> _processing = [];
    private readonly Dictionary<TKey, int> _failures = [];
    private readonly Dictionary<TKey, CancellationTokenSource> _delayed = [];
    private readonly SemaphoreSlim _available = new(0);
    private readonly TimeSpan _baseDelay;
    private readonly TimeSpan _maxDelay;
    private bool _shuttingDown;

    /// <param name="baseDelay">First retry delay (client-go: 5 ms).</param>
    /// <param name="maxDelay">Longest retry delay (client-go: 1,000 s).</param>
    public RateLimitedWorkQueue(TimeSpan baseDelay, TimeSpan maxDelay)
    {
        _baseDelay = baseDelay;
        _maxDelay = maxDelay;
    }

    public int Length
    {
        get
        {
            lock (_lock)
            {
                return _queue.Count;
            }
        }
    }

    public void Add(TKey key)
    {
        lock (_lock)
        {
            if (_shuttingDown || !_dirty.Add(key))
            {
                return;
            }
            if (_processing.Contains(key))
            {
                return; // Queued again by Done.
            }
            _queue.Enqueue(key);
        }
        _available.Release();
    }

    /// <summary>Adds the key after <paramref name="delay"/>; an earlier pending delayed add of the same key wins.</summary>
    public void AddAfter(TKey key, TimeSpan delay)
    {
        if (delay <= TimeSpan.Zero)
        {
            Add(key);
            return;
        }
        CancellationTokenSource timer;
        lock (_lock)
        {
            if (_shuttingDown || _delayed.ContainsKey(key))
            {
                return;
            }
            timer = new CancellationTokenSource();
            _delayed[key] = timer;
        }
        _ = Task.Delay(delay, timer.Token).ContinueWith(task =>
        {
            lock (_lock)
            {
                _delayed.Remove(key);
            }
            timer.Dispose();
            if (!task.IsCanceled)
            {
                Add(key);
            }
        }, TaskScheduler.Default);
    }

    /// <summary>Adds the key after its next backoff: base × 2^failures, capped.</summary>
    public TimeSpan AddRateLimited(TKey key)
    {
        int failures;
        lock (_lock)
        {
            failures = _failures.GetValueOrDefault(key);
            _failures[key] = failures + 1;
        }
        var delay = TimeSpan.FromTicks((long)Math.Min(_maxDelay.Ticks, _baseDelay.Ticks * Math.Pow(2, Math.Min(failures, 40))));
        AddAfter(key, delay);
        return delay;
    }

    /// <summary>Clears the key's backoff after a success.</summary>
    public void Forget(TKey key)
    {
        lock (_lock)
        {
            _failures.Remove(key);
        }
    }

    /// <summary>Waits for a key; null once the queue shuts down.</summary>
    public async Task<TKey?> TakeAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            await _available.WaitAsync(cancellationToken);
            lock (_lock)
            {
                if (_queue.TryDequeue(out var key))
                {
                    _processing.Add(key);
                    _dirty.Remove(key);
                    return key;
                }
                if (_shuttingDown)
                {
                    _available.Release();
                    return default;
                }
            }
        }
    }

    /// <summary>Marks the key processed; if it was added meanwhile it is queued again now.</summary>
    public void Done(TKey key)
    {
        lock (_lock)
        {
            _processing.Remove(key);
            if (!_dirty.Contains(key))
            {
                return;
            }
            _queue.Enqueue(key);
        }
        _available.Release();
    }

    public void ShutDown()
    {
        lock (_lock)
        {
            _shuttingDown = true;
            foreach (var timer in _delayed.Values)
            {
                timer.Cancel();
            }
        }
        _available.Release();
    }

    public void Dispose()
    {
        ShutDown();
        _available.Dispose();
    }
}
