using System.Runtime.InteropServices;

namespace AeroGrid.Operator.Workloads.Local;

/// <summary>
/// POSIX signals by pid (a negative pid names a process group): SIGTERM to ask a process to stop, SIGKILL to end it.
/// </summary>
internal static partial class Signals
{
    public static void Terminate(int pid) => _ = Send(pid, 15);

    public static void Kill(int pid) => _ = Send(pid, 9);

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Send(int pid, int signal);
}
