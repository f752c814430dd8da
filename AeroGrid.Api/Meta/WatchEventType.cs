namespace AeroGrid.Api.Meta;

/// <summary>The event types of a watch stream, as the server writes them.</summary>
public static class WatchEventType
{
    public const string Added = "ADDED";
    public const string Modified = "MODIFIED";
    public const string Deleted = "DELETED";
    public const string Bookmark = "BOOKMARK";
    public const string Error = "ERROR";
}
