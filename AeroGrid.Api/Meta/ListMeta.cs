namespace AeroGrid.Api.Meta;

/// <summary>Metadata of a list response.</summary>
public sealed record ListMeta
{
    public string? ResourceVersion { get; init; }

    /// <summary>Opaque token to ask for the next page; absent on the last page.</summary>
    public string? Continue { get; init; }

    public long? RemainingItemCount { get; init; }
}

/// <summary>A list of objects of one kind, e.g. <c>AppList</c>.</summary>
public sealed record ResourceList<T>
{
    public string ApiVersion { get; init; } = "";
    public string Kind { get; init; } = "";
    public ListMeta Metadata { get; init; } = new();
    public List<T> Items { get; init; } = [];
}
