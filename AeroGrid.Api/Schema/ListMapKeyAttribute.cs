namespace AeroGrid.Api.Schema;

/// <summary>
/// Marks a list whose entries are identified by a key field, like kubebuilder's <c>+listType=map</c> and
/// <c>+listMapKey</c>: the schema gets <c>x-kubernetes-list-type: map</c>, so server-side apply merges entries
/// by key instead of replacing the whole list, and the API server refuses two entries with the same key.
/// </summary>
/// <remarks>Repeat the attribute for a compound key. Each key must be a [Required] field of the entries.</remarks>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = true)]
internal sealed class ListMapKeyAttribute(string key) : Attribute
{
    /// <summary>The JSON name of the key field, e.g. <c>type</c>.</summary>
    public string Key { get; } = key;
}
