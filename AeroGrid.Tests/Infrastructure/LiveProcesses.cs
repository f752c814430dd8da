using System.Globalization;

namespace AeroGrid.Tests.Infrastructure;

/// <summary>The machine's live processes as /proc shows them, for checking what the platform left running.</summary>
internal static class LiveProcesses
{
    /// <summary>Pids of live (not zombie) processes whose command line or environment (NULs as spaces) passes <paramref name="match"/>.</summary>
    public static List<int> Where(Func<string, string, bool> match)
    {
        var found = new List<int>();
        foreach (var dir in Directory.GetDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }
            try
            {
                var commandLine = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ');
                var environment = " " + File.ReadAllText(Path.Combine(dir, "environ")).Replace('\0', ' ');
                if (match(commandLine, environment) && !File.ReadAllText(Path.Combine(dir, "stat")).Contains(") Z ", StringComparison.Ordinal))
                {
                    found.Add(pid);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Exited while we looked.
            }
        }
        return found;
    }
}
