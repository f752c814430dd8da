using System.Globalization;

namespace AeroGrid.Tests.Infrastructure;

/// <summary>The machine's live processes as /proc shows them, for checking what the platform left running.</summary>
internal static class LiveProcesses
{
    /// <summary>Pids of live (not zombie) processes whose command line (NULs as spaces) passes <paramref name="match"/>.</summary>
    public static List<int> Where(Func<string, bool> match)
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
                if (match(commandLine) && !File.ReadAllText(Path.Combine(dir, "stat")).Contains(") Z ", StringComparison.Ordinal))
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

    /// <summary>Pids of live processes whose working directory passes <paramref name="match"/>.</summary>
    public static List<int> WorkingIn(Func<string, bool> match) =>
        Where(_ => true).Where(pid =>
        {
            try
            {
                return new DirectoryInfo($"/proc/{pid}/cwd").LinkTarget is { } directory && match(directory);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return false;
            }
        }).ToList();

    /// <summary>
    /// The live processes of a tree: <paramref name="roots"/> and everything they started, and what those started, as
    /// parent pids in /proc say at the moment of the call.
    /// </summary>
    public static HashSet<int> Tree(IEnumerable<int> roots)
    {
        var children = new Dictionary<int, List<int>>();
        foreach (var pid in Where(_ => true))
        {
            try
            {
                // stat is "pid (comm) state ppid ...", and comm may hold spaces: read past the last ')'.
                var stat = File.ReadAllText($"/proc/{pid}/stat");
                var parent = int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], CultureInfo.InvariantCulture);
                (children.TryGetValue(parent, out var list) ? list : children[parent] = []).Add(pid);
            }
            catch (IOException)
            {
                // Exited while we looked.
            }
        }
        var tree = new HashSet<int>();
        var pending = new Stack<int>(roots);
        while (pending.TryPop(out var pid))
        {
            if (tree.Add(pid))
            {
                foreach (var child in children.GetValueOrDefault(pid) ?? [])
                {
                    pending.Push(child);
                }
            }
        }
        return tree;
    }

    /// <summary>Which of <paramref name="pids"/> still run (zombies, waiting for their parent to reap them, do not).</summary>
    public static List<int> StillRunning(IEnumerable<int> pids)
    {
        var live = Where(_ => true).ToHashSet();
        return [.. pids.Where(live.Contains)];
    }
}
