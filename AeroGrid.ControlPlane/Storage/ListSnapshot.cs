using Microsoft.Data.Sqlite;

namespace AeroGrid.ControlPlane.Storage;

/// <summary>An open read transaction that the pages of one paged list read from.</summary>
/// <remarks>A connection serves one command at a time, so pages of the same token take turns through <see cref="Gate"/>.</remarks>
internal sealed class ListSnapshot(SqliteConnection connection, SqliteTransaction transaction) : IDisposable
{
    public SqliteConnection Connection { get; } = connection;

    public SqliteTransaction Transaction { get; } = transaction;

    public SemaphoreSlim Gate { get; } = new(1, 1);

    /// <summary>When a page last read it; the snapshot expires a lifetime after that.</summary>
    public DateTimeOffset LastUsed { get; set; }

    /// <summary>Set under <see cref="Gate"/>: a page that waited for a snapshot being closed finds it closed.</summary>
    public bool Disposed { get; private set; }

    public void Dispose()
    {
        Gate.Wait();
        try
        {
            if (Disposed)
            {
                return;
            }
            Disposed = true;
            Transaction.Dispose();
            Connection.Dispose();
        }
        finally
        {
            Gate.Release();
        }
    }
}
