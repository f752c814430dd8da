using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using AeroGrid.Api.Meta;
using AeroGrid.Api.Resources;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace AeroGrid.ControlPlane.Storage;

/// <summary>
/// Objects and their change history in SQLite: the local stand-in for etcd (the k3s/kine idea).
/// </summary>
/// <remarks>
/// Every write appends an event (its row id is the new resourceVersion) and
/// upserts the object. WAL with <c>synchronous=FULL</c> makes a write durable before it is acknowledged,
/// even on power loss. Writes are serialized, so resourceVersions rise in commit order and watchers
/// see events in that order. The event table doubles as the watch history and is compacted to a
/// bounded number of rows.
/// </remarks>
internal sealed class ResourceStore : IDisposable
{
    /// <summary>Writes in one transaction at most; bounds the time a batch holds the writer.</summary>
    private const int MaxBatch = 256;

    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly Channel<PendingWrite> _writes = Channel.CreateUnbounded<PendingWrite>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _commitLoop;
    private readonly SqliteConnection _writer;
    private readonly WriteCommands _writeCommands;
    private readonly string _readConnectionString;
    private readonly WatchHub _hub;
    private readonly int _historyEvents;
    private readonly ListSnapshots _snapshots;
    private readonly ConcurrentDictionary<string, bool> _namespaceTerminating = new(StringComparer.Ordinal);
    private long _compactedRevision;

    public ResourceStore(IOptions<ControlPlaneOptions> options, WatchHub hub, TimeProvider time)
    {
        _hub = hub;
        _snapshots = new ListSnapshots(options.Value.ContinueLifetime, options.Value.MaxListSnapshots, time);
        _historyEvents = Math.Max(1, options.Value.HistoryEvents);
        Directory.CreateDirectory(options.Value.DataDirectory);
        var path = Path.Combine(options.Value.DataDirectory, "aerogrid.db");
        _readConnectionString = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = true }.ToString();
        _writer = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = false }.ToString());
        _writer.Open();
        Execute(_writer, """
            PRAGMA journal_mode = WAL;
            PRAGMA synchronous = FULL;
            PRAGMA busy_timeout = 5000;
            CREATE TABLE IF NOT EXISTS objects (
                resource  TEXT NOT NULL,
                namespace TEXT NOT NULL,
                name      TEXT NOT NULL,
                rv        INTEGER NOT NULL,
                json      TEXT NOT NULL,
                PRIMARY KEY (resource, namespace, name)) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS events (
                rv        INTEGER PRIMARY KEY,
                type      TEXT NOT NULL,
                resource  TEXT NOT NULL,
                namespace TEXT NOT NULL,
                name      TEXT NOT NULL,
                json      TEXT NOT NULL);
            """);
        // prev: the object before a MODIFIED event, kept only when its labels changed (see PendingWrite).
        if (Scalar(_writer, "SELECT COUNT(*) FROM pragma_table_info('events') WHERE name = 'prev'") == 0)
        {
            Execute(_writer, "ALTER TABLE events ADD COLUMN prev TEXT");
        }
        var current = Scalar(_writer, "SELECT COALESCE(MAX(rv), 0) FROM events");
        _compactedRevision = Scalar(_writer, "SELECT COALESCE(MIN(rv), 1) - 1 FROM events");
        _hub.Initialize(current);
        LoadNamespaces();
        _writeCommands = new WriteCommands(_writer);
        _commitLoop = Task.Run(CommitLoopAsync);
    }

    /// <summary>Whether the namespace is being deleted, or null when there is none by that name: as of the last commit.</summary>
    /// <remarks>
    /// Every namespaced create asks (kube-apiserver's NamespaceLifecycle admission answers it from an informer cache).
    /// The store keeps the answer in memory, changed in the commit that changes a namespace and before that commit is
    /// acknowledged, so it is exact where a read would cost a query per create.
    /// </remarks>
    public bool? IsNamespaceTerminating(string name) => _namespaceTerminating.TryGetValue(name, out var terminating) ? terminating : null;

    /// <summary>The newest committed resourceVersion.</summary>
    public long CurrentRevision => _hub.LastRevision;

    /// <summary>Watches must start at or after this resourceVersion; older history is gone.</summary>
    public long CompactedRevision => Interlocked.Read(ref _compactedRevision);

    public async Task<StoredObject?> GetAsync(ObjectKey key, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT rv, json FROM objects WHERE resource = $r AND namespace = $ns AND name = $n";
        command.Parameters.AddWithValue("$r", key.Resource);
        command.Parameters.AddWithValue("$ns", key.Namespace);
        command.Parameters.AddWithValue("$n", key.Name);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? new StoredObject(key, reader.GetInt64(0), reader.GetString(1)) : null;
    }

    /// <summary>
    /// Objects of a resource in key order, starting after <paramref name="after"/>, that pass <paramref name="filter"/>;
    /// at most <paramref name="limit"/> of them. The list and its resourceVersion come from one snapshot.
    /// </summary>
    public async Task<ListResult> ListAsync(
        string resource, string? @namespace, (string Namespace, string Name)? after, Func<StoredObject, bool> filter, int limit,
        CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken);
        using var transaction = connection.BeginTransaction(deferred: true);
        return await ReadListAsync(connection, transaction, resource, @namespace, after, filter, limit, cancellationToken);
    }

    /// <summary>
    /// One page of a paged list. The first page (<paramref name="snapshotId"/> null) opens a read snapshot; while objects
    /// remain it stays open under <see cref="ListPage.SnapshotId"/>, so every later page reads what the first one saw.
    /// </summary>
    /// <remarks>
    /// kube-apiserver serves continue pages from etcd at the first page's revision. SQLite keeps no old versions, but a WAL
    /// reader keeps its snapshot for as long as its transaction stays open, which is what this holds.
    /// </remarks>
    /// <exception cref="StorageException"><see cref="StorageError.Gone"/> when the snapshot expired or the server restarted.</exception>
    public async Task<ListPage> ListPageAsync(
        string resource, string? @namespace, string? snapshotId, (string Namespace, string Name)? after, Func<StoredObject, bool> filter,
        int limit, CancellationToken cancellationToken)
    {
        var snapshot = snapshotId is null ? await OpenSnapshotAsync(cancellationToken) : _snapshots.Find(snapshotId)
            ?? throw new StorageException(StorageError.Gone, new(resource, @namespace ?? "", ""), "the list snapshot of this continue token has expired");
        ListResult result;
        await snapshot.Gate.WaitAsync(cancellationToken);
        try
        {
            if (snapshot.Disposed)
            {
                throw new StorageException(StorageError.Gone, new(resource, @namespace ?? "", ""), "the list snapshot of this continue token has expired");
            }
            result = await ReadListAsync(snapshot.Connection, snapshot.Transaction, resource, @namespace, after, filter, limit, cancellationToken);
        }
        finally
        {
            snapshot.Gate.Release();
        }
        if (result.Remaining == 0)
        {
            _snapshots.Remove(snapshot);
            return new(result, null);
        }
        return new(result, snapshotId ?? _snapshots.Add(snapshot));
    }

    /// <summary>Closes list snapshots nobody continued within their lifetime.</summary>
    public void ExpireListSnapshots() => _snapshots.Sweep();

    private async Task<ListSnapshot> OpenSnapshotAsync(CancellationToken cancellationToken)
    {
        var connection = await OpenReaderAsync(cancellationToken);
        return new ListSnapshot(connection, connection.BeginTransaction(deferred: true));
    }

    private static async Task<ListResult> ReadListAsync(
        SqliteConnection connection, SqliteTransaction transaction, string resource, string? @namespace, (string Namespace, string Name)? after,
        Func<StoredObject, bool> filter, int limit, CancellationToken cancellationToken)
    {
        var revision = Scalar(connection, "SELECT COALESCE(MAX(rv), 0) FROM events", transaction);
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"""
            SELECT namespace, name, rv, json FROM objects
            WHERE resource = $r {(@namespace is null ? "" : "AND namespace = $ns")}
              {(after is null ? "" : "AND (namespace, name) > ($an, $aname)")}
            ORDER BY namespace, name
            """;
        command.Parameters.AddWithValue("$r", resource);
        command.Parameters.AddWithValue("$ns", @namespace ?? "");
        command.Parameters.AddWithValue("$an", after?.Namespace ?? "");
        command.Parameters.AddWithValue("$aname", after?.Name ?? "");
        var items = new List<StoredObject>();
        var remaining = 0L;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var item = new StoredObject(new(resource, reader.GetString(0), reader.GetString(1)), reader.GetInt64(2), reader.GetString(3));
            if (!filter(item))
            {
                continue;
            }
            if (items.Count < limit)
            {
                items.Add(item);
            }
            else
            {
                remaining++;
            }
        }
        return new(items, revision, remaining);
    }

    /// <summary>Events of a resource with <paramref name="afterRevision"/> &lt; rv &lt;= <paramref name="upToRevision"/>.</summary>
    public async Task<IReadOnlyList<StoredEvent>> ReadEventsAsync(
        string resource, string? @namespace, long afterRevision, long upToRevision, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT rv, type, namespace, name, json, prev FROM events
            WHERE rv > $after AND rv <= $upto AND resource = $r {(@namespace is null ? "" : "AND namespace = $ns")}
            ORDER BY rv
            """;
        command.Parameters.AddWithValue("$after", afterRevision);
        command.Parameters.AddWithValue("$upto", upToRevision);
        command.Parameters.AddWithValue("$r", resource);
        command.Parameters.AddWithValue("$ns", @namespace ?? "");
        var events = new List<StoredEvent>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var key = new ObjectKey(resource, reader.GetString(2), reader.GetString(3));
            events.Add(new(reader.GetString(1), new StoredObject(key, reader.GetInt64(0), reader.GetString(4)), reader.IsDBNull(5) ? null : reader.GetString(5)));
        }
        // Checked after the read: compaction raises the mark before it deletes, so if the mark is still at or
        // below our start now, nothing we needed was deleted before or during the read.
        if (afterRevision < CompactedRevision)
        {
            throw new StorageException(StorageError.Gone, new(resource, @namespace ?? "", ""),
                $"too old resource version: {afterRevision} ({CompactedRevision})");
        }
        return events;
    }

    public Task<StoredObject> CreateAsync(ObjectKey key, JsonObject obj, CancellationToken cancellationToken) =>
        WriteAsync(new(key, null, obj, WatchEventType.Added, null), cancellationToken);

    /// <summary>
    /// Replaces the object if its stored resourceVersion is still <paramref name="expectedRevision"/>, which is
    /// <paramref name="previous"/> when the caller has it: label-selector watches need it to see an object leave or enter.
    /// </summary>
    public Task<StoredObject> UpdateAsync(ObjectKey key, JsonObject obj, long expectedRevision, JsonObject? previous, CancellationToken cancellationToken) =>
        WriteAsync(new(key, expectedRevision, obj, WatchEventType.Modified, Relabelled(previous, obj)), cancellationToken);

    /// <summary>Removes the object if its stored resourceVersion is still <paramref name="expectedRevision"/>; watchers get <paramref name="last"/>.</summary>
    public Task<StoredObject> DeleteAsync(ObjectKey key, JsonObject last, long expectedRevision, CancellationToken cancellationToken) =>
        WriteAsync(new(key, expectedRevision, last, WatchEventType.Deleted, null), cancellationToken);

    /// <summary>The previous object when the labels changed, else null: only labels decide a selector's verdict (fields are name and namespace).</summary>
    private static string? Relabelled(JsonObject? previous, JsonObject next) =>
        previous is not null && !JsonNode.DeepEquals(previous["metadata"]?["labels"], next["metadata"]?["labels"]) ? previous.ToJsonString() : null;

    private Task<StoredObject> WriteAsync(PendingWrite write, CancellationToken cancellationToken) =>
        _writes.Writer.TryWrite(write)
            ? write.Done.Task.WaitAsync(cancellationToken)
            : Task.FromException<StoredObject>(new ObjectDisposedException(nameof(ResourceStore)));

    /// <summary>
    /// Group commit: the writes waiting when a transaction starts go into it together and share its one fsync.
    /// Each keeps its own precondition; a refused write does not affect the others.
    /// </summary>
    private async Task CommitLoopAsync()
    {
        var batch = new List<PendingWrite>();
        while (await _writes.Reader.WaitToReadAsync())
        {
            while (batch.Count < MaxBatch && _writes.Reader.TryRead(out var write))
            {
                batch.Add(write);
            }
            await _writeLock.WaitAsync();
            try
            {
                CommitBatch(batch);
            }
            finally
            {
                _writeLock.Release();
            }
            batch.Clear();
        }
    }

    private void CommitBatch(List<PendingWrite> batch)
    {
        var committed = new List<(PendingWrite Write, StoredObject Result)>();
        try
        {
            using var transaction = _writer.BeginTransaction();
            var revision = _hub.LastRevision;
            foreach (var write in batch)
            {
                var stored = _writeCommands.StoredRevision(transaction, write.Key);
                var refusal = write.ExpectedRevision switch
                {
                    null when stored != 0 => StorageError.AlreadyExists,
                    not null when stored == 0 => StorageError.NotFound,
                    not null when stored != write.ExpectedRevision => StorageError.Conflict,
                    _ => (StorageError?)null,
                };
                if (refusal is { } error)
                {
                    write.Done.TrySetException(new StorageException(error, write.Key));
                    continue;
                }
                revision++;
                ((JsonObject)write.Object["metadata"]!)["resourceVersion"] = revision.ToString(System.Globalization.CultureInfo.InvariantCulture);
                var json = write.Object.ToJsonString();
                _writeCommands.Append(transaction, write, revision, json);
                committed.Add((write, new StoredObject(write.Key, revision, json)));
            }
            transaction.Commit();
        }
        catch (Exception e)
        {
            // The transaction rolled back: every write of the batch not refused already fails with it, those after
            // the failing one too, so no caller waits for an acknowledgement that cannot come, and the loop goes on.
            foreach (var write in batch)
            {
                write.Done.TrySetException(e);
            }
            return;
        }
        // Acknowledged only now, after the commit (and its fsync) succeeded; published in version order.
        foreach (var (write, result) in committed)
        {
            if (write.Key.Resource == ResourceDefinitions.Namespace.Plural)
            {
                TrackNamespace(write.Key.Name, write.EventType == WatchEventType.Deleted ? null : write.Object);
            }
            _hub.Publish(new StoredEvent(write.EventType, result, write.Previous));
            write.Done.TrySetResult(result);
        }
    }

    private void LoadNamespaces()
    {
        using var command = Command(_writer, "SELECT name, json FROM objects WHERE resource = $r", null, [("$r", ResourceDefinitions.Namespace.Plural)]);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            TrackNamespace(reader.GetString(0), (JsonObject)JsonNode.Parse(reader.GetString(1))!);
        }
    }

    private void TrackNamespace(string name, JsonObject? obj)
    {
        if (obj is null)
        {
            _namespaceTerminating.TryRemove(name, out _);
        }
        else
        {
            _namespaceTerminating[name] = obj["metadata"]?["deletionTimestamp"] is not null;
        }
    }

    /// <summary>Drops watch history beyond the newest <c>HistoryEvents</c> events.</summary>
    public async Task CompactAsync(CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            var keepFrom = _hub.LastRevision - _historyEvents;
            if (keepFrom > CompactedRevision)
            {
                // The mark first: a reader that could miss the deleted rows sees it when it checks after reading.
                Interlocked.Exchange(ref _compactedRevision, keepFrom);
                Execute(_writer, "DELETE FROM events WHERE rv <= $rv", null, ("$rv", keepFrom));
            }
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public void Dispose()
    {
        _snapshots.Dispose();
        _writes.Writer.TryComplete();
        _commitLoop.Wait(TimeSpan.FromSeconds(10));
        _writeCommands.Dispose();
        _writer.Dispose();
        _writeLock.Dispose();
    }

    private async Task<SqliteConnection> OpenReaderAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_readConnectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    private static void Execute(SqliteConnection connection, string sql, SqliteTransaction? transaction = null, params (string Name, object Value)[] parameters)
    {
        using var command = Command(connection, sql, transaction, parameters);
        command.ExecuteNonQuery();
    }

    private static long Scalar(SqliteConnection connection, string sql, SqliteTransaction? transaction = null, params (string Name, object Value)[] parameters)
    {
        using var command = Command(connection, sql, transaction, parameters);
        return command.ExecuteScalar() is long value ? value : 0;
    }

    private static SqliteCommand Command(SqliteConnection connection, string sql, SqliteTransaction? transaction, (string Name, object Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }
        return command;
    }
}

internal sealed record ListResult(IReadOnlyList<StoredObject> Items, long Revision, long Remaining);

/// <summary>A page of a paged list and the snapshot the next page continues from (null on the last page).</summary>
internal sealed record ListPage(ListResult Result, string? SnapshotId);

/// <summary>A write waiting for the next group commit; <see cref="Previous"/> as in <see cref="StoredEvent"/>.</summary>
internal sealed record PendingWrite(ObjectKey Key, long? ExpectedRevision, JsonObject Object, string EventType, string? Previous)
{
    public TaskCompletionSource<StoredObject> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
