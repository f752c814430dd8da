using System.Threading.Channels;

namespace AeroGrid.ControlPlane.Storage;

/// <summary>Fans committed events out to the open watches.</summary>
/// <remarks>
/// The store publishes while it still holds its write lock, so events arrive in resourceVersion order.
/// A subscriber learns the last published version when it subscribes: everything up to it is in the
/// store's history, everything after it comes through the subscription, so a resumed watch misses nothing.
/// </remarks>
internal sealed class WatchHub
{
    /// <summary>A watcher this far behind is dropped; its client re-watches from its last version.</summary>
    private const int MaxPendingEvents = 10_000;

    private readonly Lock _lock = new();
    private readonly List<WatchSubscription> _subscriptions = [];
    private long _lastRevision;

    public long LastRevision => Interlocked.Read(ref _lastRevision);

    public void Initialize(long revision) => Interlocked.Exchange(ref _lastRevision, revision);

    /// <summary>Events of one resource (or of all, <paramref name="resource"/> null) in one namespace or all.</summary>
    public WatchSubscription Subscribe(string? resource, string? @namespace)
    {
        var channel = Channel.CreateBounded<StoredEvent>(new BoundedChannelOptions(MaxPendingEvents) { SingleReader = true });
        lock (_lock)
        {
            var subscription = new WatchSubscription(this, resource, @namespace, LastRevision, channel);
            _subscriptions.Add(subscription);
            return subscription;
        }
    }

    public void Publish(StoredEvent storedEvent)
    {
        lock (_lock)
        {
            foreach (var subscription in _subscriptions)
            {
                subscription.Offer(storedEvent);
            }
            // After the offers: a watcher that reads this version and then finds its queue empty has seen everything up to it.
            Interlocked.Exchange(ref _lastRevision, storedEvent.Object.ResourceVersion);
        }
    }

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _subscriptions.Count;
            }
        }
    }

    internal void Remove(WatchSubscription subscription)
    {
        lock (_lock)
        {
            _subscriptions.Remove(subscription);
        }
    }
}

/// <summary>One open watch: the events of one resource or all (in one namespace or all) after <see cref="StartRevision"/>.</summary>
internal sealed class WatchSubscription(WatchHub hub, string? resource, string? @namespace, long startRevision, Channel<StoredEvent> channel)
    : IDisposable
{
    /// <summary>Events up to this version are in the store's history; later ones arrive here.</summary>
    public long StartRevision { get; } = startRevision;

    public ChannelReader<StoredEvent> Events => channel.Reader;

    internal void Offer(StoredEvent storedEvent)
    {
        var key = storedEvent.Object.Key;
        if ((resource is null || key.Resource == resource) && (@namespace is null || key.Namespace == @namespace) && !channel.Writer.TryWrite(storedEvent))
        {
            channel.Writer.TryComplete(new InvalidOperationException("the watcher fell too far behind"));
        }
    }

    public void Dispose()
    {
        hub.Remove(this);
        channel.Writer.TryComplete();
    }
}
