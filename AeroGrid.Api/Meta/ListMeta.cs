namespace AeroGrid.Api.Meta;

/// <summary>Metadata of a list response.</summary>
public sealed record ListMeta
{
    public string? ResourceVersion { get; init; }

    /// <summary>Opaque token to ask for the next page; absent on the last page.</summary>
    public string? Continue { get; init; }

    public long? RemainingItemCount { get; init; }
}
