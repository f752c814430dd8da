namespace AeroGrid.Operator.Workloads.Local;

/// <summary>
/// The environment the local backend's Python processes start with, whatever the Operator's own holds: the same for a
/// fork server and for a process started cold, so that a forked process and a cold one are the same process.
/// </summary>
internal static class PythonVariables
{
    /// <summary>What any process needs: where programs are, a home, and UTF-8.</summary>
    public static Dictionary<string, string> Base() => new(StringComparer.Ordinal)
    {
        ["PATH"] = Environment.GetEnvironmentVariable("PATH") ?? "",
        ["HOME"] = Environment.GetEnvironmentVariable("HOME") ?? "",
        ["LANG"] = "C.UTF-8",
    };

    /// <summary>The interpreter's start-up options: Python reads them once, so a fork has its server's.</summary>
    public static IReadOnlyDictionary<string, string> InterpreterOptions(string sdkPath) => new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["PYTHONPATH"] = sdkPath,
        ["PYTHONUNBUFFERED"] = "1",
    };
}
