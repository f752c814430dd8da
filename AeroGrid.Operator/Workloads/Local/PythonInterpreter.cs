using System.Diagnostics;
using Microsoft.Extensions.Options;

namespace AeroGrid.Operator.Workloads.Local;

/// <summary>
/// Finds the real Python binary for a runtime such as <c>python-3.11</c>. Resolved once: <c>python3</c>
/// may be a pyenv shim that costs ~0.1 s per start.
/// </summary>
internal sealed class PythonInterpreter
{
    private readonly Lazy<Task<(string Path, string Version)>> _probe;

    public PythonInterpreter(IOptions<LocalRuntimeOptions> options)
    {
        var configured = options.Value.Python.Length > 0 ? options.Value.Python : "python3";
        _probe = new(() => ProbeAsync(configured));
    }

    public async Task<string> ResolveAsync(string runtime, CancellationToken cancellationToken)
    {
        var (path, version) = await _probe.Value.WaitAsync(cancellationToken);
        var wanted = runtime.StartsWith("python-", StringComparison.Ordinal) ? runtime["python-".Length..] : runtime;
        return version == wanted
        ? path
        : throw new ImageBuildException($"runtime {runtime} is not available on this machine (it has Python {version})", "");
    }

    private static async Task<(string Path, string Version)> ProbeAsync(string configured)
    {
        var info = new ProcessStartInfo(configured) { RedirectStandardOutput = true, UseShellExecute = false };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add("import sys; print(sys.executable); print('%d.%d' % sys.version_info[:2])");
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"cannot start {configured}");
        var output = (await process.StandardOutput.ReadToEndAsync()).Split('\n', StringSplitOptions.TrimEntries);
        await process.WaitForExitAsync();
        return process.ExitCode == 0 && output.Length >= 2
            ? (output[0], output[1])
            : throw new InvalidOperationException($"{configured} did not report its version");
    }
}
