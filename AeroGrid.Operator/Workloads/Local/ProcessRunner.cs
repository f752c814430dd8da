using System.Diagnostics;
using System.Text;

namespace AeroGrid.Operator.Workloads.Local;

/// <summary>Runs a command to completion with its output appended to a log file.</summary>
internal static class ProcessRunner
{
    public static async Task<int> RunAsync(
        string fileName, IEnumerable<string> args, string logPath, IDictionary<string, string?>? environment, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            info.Environment[name] = value;
        }
        await using var log = new StreamWriter(logPath, append: true, Encoding.UTF8) { AutoFlush = true };
        await log.WriteLineAsync($"$ {fileName} {string.Join(' ', info.ArgumentList)}");
        using var process = new Process { StartInfo = info };
        var gate = new Lock();
        void Write(string? line)
        {
            if (line is not null)
            {
                lock (gate)
                {
                    log.WriteLine(line);
                }
            }
        }
        process.OutputDataReceived += (_, e) => Write(e.Data);
        process.ErrorDataReceived += (_, e) => Write(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            if (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            Write($"timed out after {timeout.TotalSeconds:F0} s");
            return -1;
        }
        return process.ExitCode;
    }

    /// <summary>The last <paramref name="lines"/> lines of a text file.</summary>
    public static string Tail(string path, int lines)
    {
        if (!File.Exists(path))
        {
            return "";
        }
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var start = Math.Max(0, stream.Length - 64 * 1024);
        stream.Seek(start, SeekOrigin.Begin);
        using var reader = new StreamReader(stream);
        var text = reader.ReadToEnd().Split('\n');
        return string.Join('\n', text.TakeLast(lines + 1)).TrimEnd();
    }
}
