using System.Runtime.InteropServices;

namespace AeroGrid.Tests.Infrastructure;

/// <summary>Signals .NET's Process class does not send: SIGTERM is how a supervisor asks a process to stop.</summary>
internal static partial class Posix
{
    private const int SigTerm = 15;

    public static void Terminate(int pid) => _ = Kill(pid, SigTerm);

    /// <summary>True while a process with this id exists (signal 0 checks without sending anything).</summary>
    public static bool Exists(int pid) => Kill(pid, 0) == 0;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
