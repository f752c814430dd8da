using System.Runtime.InteropServices;

namespace AeroGrid.AppHost.Hosting;

/// <summary>SIGTERM by pid: how the AppHost asks a component to stop cleanly (Process.Kill only sends SIGKILL).</summary>
internal static partial class Posix
{
    public static void Terminate(int pid) => _ = Kill(pid, 15);

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
