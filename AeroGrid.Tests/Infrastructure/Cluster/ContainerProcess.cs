using System.Diagnostics;
using AeroGrid.Operator.Workloads.Local;

namespace AeroGrid.Tests.Infrastructure.Cluster;

/// <summary>
/// One run of a container as a process of this machine, in a process group of its own (through <c>setsid</c>), so that
/// stopping it stops whatever it started, as the end of a container's PID namespace does.
/// </summary>
internal static class ContainerProcess
{
    /// <summary>
    /// Runs <paramref name="argv"/> to its end and gives its exit code (128 + signal when a signal ended it, as a
    /// container runtime reports). <paramref name="started"/> gets the pid. When <paramref name="stop"/> is cancelled the
    /// group gets SIGTERM, then SIGKILL after <paramref name="gracePeriod"/>.
    /// </summary>
    public static async Task<int> RunAsync(
        IReadOnlyList<string> argv, string workingDirectory, IReadOnlyDictionary<string, string> environment, ContainerLog log,
        Action<int> started, TimeSpan gracePeriod, CancellationToken stop)
    {
        var info = new ProcessStartInfo("/usr/bin/setsid")
        {
            WorkingDirectory = workingDirectory,
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        info.ArgumentList.Add("--");
        foreach (var arg in argv)
        {
            info.ArgumentList.Add(arg);
        }
        info.Environment.Clear();
        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"{argv[0]} did not start");
        process.StandardInput.Close();
        // setsid execs in place (a child of ours leads no group yet), so the pid is the container's process and its group.
        var group = process.Id;
        started(group);
        var output = Task.WhenAll(CopyAsync(process.StandardOutput, "stdout", log), CopyAsync(process.StandardError, "stderr", log));
        using (stop.Register(() => Signals.Terminate(-group)))
        {
            using var killAfterGrace = new CancellationTokenSource();
            using (stop.Register(() => killAfterGrace.CancelAfter(gracePeriod)))
            using (killAfterGrace.Token.Register(() => Signals.Kill(-group)))
            {
                await process.WaitForExitAsync(CancellationToken.None);
            }
        }
        // The main process is gone: what it left in its group goes with it, as with a container's PID 1.
        Signals.Kill(-group);
        await output;
        return process.ExitCode;
    }

    private static async Task CopyAsync(StreamReader reader, string stream, ContainerLog log)
    {
        while (await reader.ReadLineAsync() is { } line)
        {
            log.Write(stream, line);
        }
    }
}
