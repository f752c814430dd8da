using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace AeroGrid.ControlPlane.Storage;

/// <summary>
/// The list snapshots that continue tokens point at: each lives until its list is read to the end or until it sat
/// unused for its lifetime; beyond <c>max</c> open ones the least recently used closes first.
/// </summary>
/// <remarks>
/// An open WAL reader holds back checkpoints, so the write-ahead log grows while one is open: the lifetime and the
/// count bound that. A token whose snapshot closed answers 410 Expired and the client lists again, as it would after
/// an etcd compaction.
/// </remarks>
internal sealed class ListSnapshots(TimeSpan lifetime, int max, TimeProvider time) : IDisposable
{
    private readonly ConcurrentDictionary<string, ListSnapshot> _open = new(StringComparer.Ordinal);

    public string Add(ListSnapshot snapshot)
    {
        Sweep();
        while (_open.Count >= Math.Max(1, max) && _open.MinBy(entry => entry.Value.LastUsed) is { Key: { } oldest })
        {
            Close(oldest);
        }
        snapshot.LastUsed = time.GetUtcNow();
        var id = Convert.ToHexString(RandomNumberGenerator.GetBytes(12));
        _open[id] = snapshot;
        return id;
    }

    public ListSnapshot? Find(string id)
    {
        if (!_open.TryGetValue(id, out var snapshot))
        {
            return null;
        }
        snapshot.LastUsed = time.GetUtcNow();
        return snapshot;
    }

    public void Remove(ListSnapshot snapshot)
    {
        foreach (var (id, open) in _open)
        {
            if (ReferenceEquals(open, snapshot))
            {
                Close(id);
            }
        }
        snapshot.Dispose();
    }

    public void Sweep()
    {
        var now = time.GetUtcNow();
        foreach (var (id, snapshot) in _open)
        {
            if (now - snapshot.LastUsed > lifetime)
            {
                Close(id);
            }
        }
    }

    public void Dispose()
    {
        foreach (var id in _open.Keys)
        {
            Close(id);
        }
    }

    private void Close(string id)
    {
        if (_open.TryRemove(id, out var snapshot))
        {
            snapshot.Dispose();
        }
    }
}
