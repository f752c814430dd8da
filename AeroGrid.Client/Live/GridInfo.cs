using AeroGrid.Client.Generated.Gateway.Models;

namespace AeroGrid.Client.Live;

/// <summary>A grid an app publishes, as its listing tells it.</summary>
/// <param name="Name">The grid's name, unique in its app.</param>
/// <param name="Key">The column whose value names a row.</param>
/// <param name="Columns">The columns, in the app's order.</param>
/// <param name="Rows">How many rows it holds.</param>
/// <param name="Version">Its version: it grows by one with every change.</param>
public sealed record GridInfo(string Name, string Key, IReadOnlyList<GridColumn> Columns, long Rows, long Version);

/// <summary>A topic an app publishes.</summary>
/// <param name="Name">The topic's name, unique in its app.</param>
/// <param name="Published">How many messages it has published since the app started.</param>
public sealed record TopicInfo(string Name, long Published);

/// <summary>One column of a grid.</summary>
/// <param name="Name">The record field it shows.</param>
/// <param name="Type">The type of its values.</param>
public sealed record GridColumn(string Name, GridColumnType Type)
{
    internal static IReadOnlyList<GridColumn> From(IEnumerable<Column>? columns) =>
        [.. (columns ?? []).Select(c => new GridColumn(c.Name ?? "", c.Type switch
        {
            Column_type.Integer => GridColumnType.Integer,
            Column_type.Number => GridColumnType.Number,
            Column_type.String => GridColumnType.String,
            Column_type.Boolean => GridColumnType.Boolean,
            Column_type.Datetime => GridColumnType.DateTime,
            Column_type.Date => GridColumnType.Date,
            Column_type.Array => GridColumnType.Array,
            _ => GridColumnType.Object,
        }))];
}

/// <summary>The type of a grid column's values, as JSON carries them.</summary>
public enum GridColumnType
{
    /// <summary>A whole number.</summary>
    Integer,

    /// <summary>A number.</summary>
    Number,

    /// <summary>Text.</summary>
    String,

    /// <summary>true or false.</summary>
    Boolean,

    /// <summary>A date and time, as an ISO 8601 string.</summary>
    DateTime,

    /// <summary>A date, as an ISO 8601 string.</summary>
    Date,

    /// <summary>A JSON array.</summary>
    Array,

    /// <summary>A JSON object, or a type the client does not know yet.</summary>
    Object,
}
