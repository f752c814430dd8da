namespace AeroGrid.ControlPlane.Storage;

internal enum StorageError
{
    NotFound,
    AlreadyExists,
    Conflict,
    Gone,
}

/// <summary>A write or read the store refused; the API maps it to a Status.</summary>
internal sealed class StorageException(StorageError error, ObjectKey key, string? message = null)
    : Exception(message ?? $"{error}: {key}")
{
    public StorageError Error { get; } = error;
    public ObjectKey Key { get; } = key;
}
