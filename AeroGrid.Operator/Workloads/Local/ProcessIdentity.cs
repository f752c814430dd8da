using System.Globalization;

namespace AeroGrid.Operator.Workloads.Local;

/// <summary>
/// What /proc says about a pid: when the process started (which, with the pid, names one process for as long as the
/// machine runs: a reused pid has a later start), whether it is a zombie waiting for its parent, its parent and
/// the folder it works in.
/// </summary>
internal static class ProcessIdentity
{
    /// <summary>The process's start in clock ticks since boot (field 22 of /proc/&lt;pid&gt;/stat); null if there is no such process.</summary>
    public static long? StartTime(int pid) =>
        Fields(pid) is { } fields ? long.Parse(fields[19], NumberStyles.None, CultureInfo.InvariantCulture) : null;

    public static bool IsZombie(int pid) => Fields(pid) is ["Z", ..];

    /// <summary>Whether that process still runs: the pid names it still, and it has not ended (a zombie waits only for its parent).</summary>
    public static bool IsAlive(int pid, long startTime) => StartTime(pid) == startTime && !IsZombie(pid);

    /// <summary>Waits, polling, until that process is gone: for a process that is not our child, no exit is signalled.</summary>
    public static async Task WhenGoneAsync(int pid, long startTime, TimeSpan interval, CancellationToken cancellationToken)
    {
        while (IsAlive(pid, startTime))
        {
            await Task.Delay(interval, cancellationToken);
        }
    }

    /// <summary>The live processes whose working directory is <paramref name="directory"/> or below it (also once deleted).</summary>
    public static IEnumerable<int> WorkingUnder(string directory)
    {
        var prefix = Path.TrimEndingDirectorySeparator(directory) + "/";
        foreach (var entry in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(entry), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                && WorkingDirectory(pid) is { } cwd && cwd.StartsWith(prefix, StringComparison.Ordinal) && !IsZombie(pid))
            {
                yield return pid;
            }
        }
    }

    /// <summary>Whether the process is one of <paramref name="ancestors"/> or was started by one of them, or by their children.</summary>
    public static bool DescendsFrom(int pid, IReadOnlySet<int> ancestors)
    {
        for (var current = pid; current > 1; current = Parent(current))
        {
            if (ancestors.Contains(current))
            {
                return true;
            }
        }
        return false;
    }

    private static int Parent(int pid) =>
        Fields(pid) is { } fields ? int.Parse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture) : 0;

    private static string? WorkingDirectory(int pid)
    {
        try
        {
            return new DirectoryInfo($"/proc/{pid}/cwd").LinkTarget;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The fields after "pid (comm)": the name may hold spaces and parentheses, so read past the last ')'.</summary>
    private static string[]? Fields(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
