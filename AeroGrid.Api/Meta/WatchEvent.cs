namespace AeroGrid.Api.Meta;

/// <summary>One event of a watch stream: a line of JSON <c>{"type": ..., "object": ...}</c>.</summary>
public sealed record WatchEvent<T>
{
    /// <summary><see cref="WatchEventType"/>: ADDED, MODIFIED, DELETED, BOOKMARK or ERROR.</summary>
    public string Type { get; init; } = "";

    /// <summary>The object after the change; for ERROR a <see cref="Status"/>.</summary>
    public T? Object { get; init; }
}

public static class WatchEventType
{
    public const string Added = "ADDED";
    public const string Modified = "MODIFIED";
    public const string Deleted = "DELETED";
    public const string Bookmark = "BOOKMARK";
    public const string Error = "ERROR";
}
