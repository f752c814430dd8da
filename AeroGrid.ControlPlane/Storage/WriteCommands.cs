using AeroGrid.Api.Meta;
using Microsoft.Data.Sqlite;

namespace AeroGrid.ControlPlane.Storage;

/// <summary>The statements of a write, prepared once on the writer connection and reused by every group commit.</summary>
/// <remarks>
/// A command made per statement compiles its SQL again on every write; with three statements a write and hundreds of
/// writes a second, that compiling was a visible share of each commit. A kept <see cref="SqliteCommand"/> keeps its
/// compiled statement, so only the parameter values change.
/// </remarks>
internal sealed class WriteCommands : IDisposable
{
    private readonly SqliteCommand _storedRevision;
    private readonly SqliteCommand _appendEvent;
    private readonly SqliteCommand _upsertObject;
    private readonly SqliteCommand _deleteObject;

    public WriteCommands(SqliteConnection writer)
    {
        _storedRevision = Command(writer, "SELECT rv FROM objects WHERE resource = $r AND namespace = $ns AND name = $n", "$r", "$ns", "$n");
        _appendEvent = Command(writer, "INSERT INTO events (rv, type, resource, namespace, name, json, prev) VALUES ($rv, $t, $r, $ns, $n, $j, $p)",
            "$rv", "$t", "$r", "$ns", "$n", "$j", "$p");
        _upsertObject = Command(writer, "INSERT OR REPLACE INTO objects (resource, namespace, name, rv, json) VALUES ($r, $ns, $n, $rv, $j)",
            "$r", "$ns", "$n", "$rv", "$j");
        _deleteObject = Command(writer, "DELETE FROM objects WHERE resource = $r AND namespace = $ns AND name = $n", "$r", "$ns", "$n");
    }

    /// <summary>The stored object's resourceVersion, 0 when there is none.</summary>
    public long StoredRevision(SqliteTransaction transaction, ObjectKey key) =>
        Run(_storedRevision, transaction, key.Resource, key.Namespace, key.Name).ExecuteScalar() is long revision ? revision : 0;

    /// <summary>Appends the write's event at <paramref name="revision"/> and makes the object table match it.</summary>
    public void Append(SqliteTransaction transaction, PendingWrite write, long revision, string json)
    {
        var key = write.Key;
        Run(_appendEvent, transaction, revision, write.EventType, key.Resource, key.Namespace, key.Name, json, (object?)write.Previous ?? DBNull.Value)
            .ExecuteNonQuery();
        (write.EventType == WatchEventType.Deleted
            ? Run(_deleteObject, transaction, key.Resource, key.Namespace, key.Name)
            : Run(_upsertObject, transaction, key.Resource, key.Namespace, key.Name, revision, json)).ExecuteNonQuery();
    }

    public void Dispose()
    {
        _storedRevision.Dispose();
        _appendEvent.Dispose();
        _upsertObject.Dispose();
        _deleteObject.Dispose();
    }

    private static SqliteCommand Command(SqliteConnection writer, string sql, params string[] parameters)
    {
        var command = writer.CreateCommand();
        command.CommandText = sql;
        foreach (var name in parameters)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        }
        return command;
    }

    private static SqliteCommand Run(SqliteCommand command, SqliteTransaction transaction, params object[] values)
    {
        command.Transaction = transaction;
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = values[i];
        }
        return command;
    }
}
