using System.Globalization;
using System.Text.Json.Nodes;
using AeroGrid.Api.Resources;

namespace AeroGrid.ControlPlane.Api;

/// <summary>
/// Server-side printing: the <c>meta.k8s.io/v1 Table</c> that <c>kubectl get</c> asks for
/// (<c>Accept: application/json;as=Table;g=meta.k8s.io;v=v1</c>), with the kind's printer columns.
/// </summary>
internal static class TableConverter
{
    public static bool IsRequested(HttpRequest request) =>
        request.Headers.Accept.Any(accept => accept is not null && accept.Contains("as=Table", StringComparison.Ordinal));

    public static JsonObject ToTable(ResourceDefinition definition, IEnumerable<JsonObject> objects, HttpRequest request, bool includeColumns = true)
    {
        var includeObject = request.Query["includeObject"].ToString();
        var rows = new JsonArray();
        foreach (var obj in objects)
        {
            var cells = new JsonArray { obj["metadata"]?["name"]?.DeepClone() };
            foreach (var column in definition.PrinterColumns)
            {
                cells.Add(Cell(column, obj));
            }
            var row = new JsonObject { ["cells"] = cells };
            row["object"] = includeObject switch
            {
                "None" => null,
                "Object" => obj.DeepClone(),
                _ => new JsonObject
                {
                    ["kind"] = "PartialObjectMetadata",
                    ["apiVersion"] = "meta.k8s.io/v1",
                    ["metadata"] = obj["metadata"]?.DeepClone(),
                },
            };
            rows.Add(row);
        }
        var table = new JsonObject
        {
            ["kind"] = "Table",
            ["apiVersion"] = "meta.k8s.io/v1",
            ["metadata"] = new JsonObject(),
            ["columnDefinitions"] = includeColumns ? Columns(definition) : new JsonArray(),
            ["rows"] = rows,
        };
        return table;
    }

    private static JsonArray Columns(ResourceDefinition definition)
    {
        var columns = new JsonArray
        {
            new JsonObject { ["name"] = "Name", ["type"] = "string", ["format"] = "name", ["description"] = "The object's name.", ["priority"] = 0 },
        };
        foreach (var column in definition.PrinterColumns)
        {
            columns.Add(new JsonObject
            {
                ["name"] = column.Name,
                // Dates are printed as ages, so the client sees a string.
                ["type"] = column.Type == "date" ? "string" : column.Type,
                ["format"] = "",
                ["description"] = column.Description,
                ["priority"] = column.Priority,
            });
        }
        return columns;
    }

    private static JsonNode? Cell(PrinterColumn column, JsonObject obj)
    {
        JsonNode? node = obj;
        foreach (var segment in column.JsonPath.TrimStart('.').Split('.'))
        {
            node = node?[segment];
        }
        if (node is null)
        {
            return column.Type is "integer" or "number" ? null : "";
        }
        if (column.Type == "date" && DateTimeOffset.TryParse(node.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
        {
            return HumanDuration(DateTimeOffset.UtcNow - time);
        }
        return node.DeepClone();
    }

    /// <summary>Ages as kubectl prints them: 45s, 3m12s, 25m, 5h3m, 3d4h, 120d.</summary>
    internal static string HumanDuration(TimeSpan age)
    {
        var seconds = (long)Math.Max(0, age.TotalSeconds);
        return seconds switch
        {
            < 120 => $"{seconds}s",
            < 600 => $"{seconds / 60}m{seconds % 60}s",
            < 3 * 3600 => $"{seconds / 60}m",
            < 8 * 3600 => $"{seconds / 3600}h{seconds % 3600 / 60}m",
            < 48 * 3600 => $"{seconds / 3600}h",
            < 8 * 86400 => $"{seconds / 86400}d{seconds % 86400 / 3600}h",
            < 2 * 365 * 86400 => $"{seconds / 86400}d",
            _ => $"{seconds / (365 * 86400)}y",
        };
    }
}
