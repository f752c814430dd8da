namespace AeroGrid.Tests.Infrastructure;

/// <summary>Reads what a service's console logger printed.</summary>
internal static class ConsoleLog
{
    private static readonly string[] ProblemLevels = ["warn:", "fail:", "crit:"];

    /// <summary>
    /// The entries at Warning or above, each as its header line (<c>warn: Category[id]</c>) and its first message line.
    /// </summary>
    public static IReadOnlyList<string> Problems(string output)
    {
        var lines = output.Split('\n');
        return [.. lines
            .Select((line, index) => (line, index))
            .Where(l => ProblemLevels.Any(level => l.line.StartsWith(level, StringComparison.Ordinal)))
            .Select(l => l.index + 1 < lines.Length ? $"{l.line.TrimEnd()} {lines[l.index + 1].Trim()}" : l.line.TrimEnd())];
    }
}
