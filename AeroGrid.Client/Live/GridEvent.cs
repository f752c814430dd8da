using System.Text.Json;

namespace AeroGrid.Client.Live;

/// <summary>One change of a live grid, in the order the app made them.</summary>
/// <param name="Version">The grid's version after this event; it grows by one with every change.</param>
public abstract record GridEvent(long Version);

/// <summary>
/// The whole grid: replace everything shown. Comes first, and again whenever the app could not resume the
/// subscription (the client fell too far behind, or the app restarted).
/// </summary>
/// <param name="Key">The column whose value names a row.</param>
/// <param name="Columns">The columns, in the app's order.</param>
/// <param name="Rows">The rows, each a JSON object with a value per column.</param>
/// <param name="Version">The grid's version.</param>
public sealed record GridSnapshot(string Key, IReadOnlyList<GridColumn> Columns, IReadOnlyList<JsonElement> Rows, long Version) : GridEvent(Version);

/// <summary>A row inserted or replaced (rows are identified by the grid's key field).</summary>
/// <param name="Row">The row, a JSON object.</param>
/// <param name="Version">The grid's version after the change.</param>
public sealed record GridUpsert(JsonElement Row, long Version) : GridEvent(Version);

/// <summary>A row removed.</summary>
/// <param name="Key">The removed row's key.</param>
/// <param name="Version">The grid's version after the change.</param>
public sealed record GridDelete(JsonElement Key, long Version) : GridEvent(Version);
