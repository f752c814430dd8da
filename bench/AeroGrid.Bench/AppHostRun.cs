using System.Diagnostics;
using System.Globalization;

namespace AeroGrid.Bench;

/// <summary>
/// An Aspire AppHost started as a person starts it, <c>dotnet run --no-build</c> (Release), timed until every service it
/// runs answers its health endpoint, then stopped with SIGTERM and waited for until DCP has cleaned up.
/// </summary>
internal sealed class AppHostRun
{
    private readonly Process _process;

    private AppHostRun(Process process) => _process = process;

    /// <summary>Starts <paramref name="project"/> and returns once each of <paramref name="health"/> answers 200, with the time that took.</summary>
    public static async Task<(AppHostRun Run, TimeSpan Elapsed)> StartAsync(string project, IReadOnlyList<Uri> health, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { WorkingDirectory = PlatformProcess.RepositoryRoot, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "run", "--no-build", "-c", "Release", "--project", project, "--" }.Concat(args))
        {
            info.ArgumentList.Add(arg);
        }
        var started = Stopwatch.StartNew();
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { Console.Error.WriteLine($"[{Path.GetFileName(project)}] {e.Data}"); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var pending = health.ToList();
        while (pending.Count > 0)
        {
            if (started.Elapsed > TimeSpan.FromMinutes(5) || process.HasExited)
            {
                throw new TimeoutException($"{project}: {string.Join(", ", pending)} never became healthy");
            }
            var answered = await Task.WhenAll(pending.Select(async url =>
            {
                try
                {
                    return (await http.GetAsync(url)).IsSuccessStatusCode ? url : null;
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    return null;
                }
            }));
            pending.RemoveAll(url => Array.IndexOf(answered, url) >= 0);
            await Task.Delay(20);
        }
        return (new AppHostRun(process), started.Elapsed);
    }

    /// <summary>SIGTERM to <c>dotnet run</c> and the AppHost under it, then waits until they and the DCP watching it are gone.</summary>
    public async Task StopAsync()
    {
        var tree = Descendants(_process.Id).Append(_process.Id).ToList();
        var dcp = tree.SelectMany(pid => Matching($"--monitor {pid} ")).ToList();
        using (var kill = Process.Start("kill", ["-TERM", .. tree.Select(pid => pid.ToString(CultureInfo.InvariantCulture))]))
        {
            await kill.WaitForExitAsync();
        }
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (tree.Concat(dcp).Any(Alive) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
        }
        _process.Dispose();
    }

    private static bool Alive(int pid) =>
        File.Exists($"/proc/{pid}/stat") && !File.ReadAllText($"/proc/{pid}/stat").Contains(") Z ", StringComparison.Ordinal);

    private static List<int> Descendants(int pid) =>
        File.Exists($"/proc/{pid}/task/{pid}/children")
            ? File.ReadAllText($"/proc/{pid}/task/{pid}/children").Split(' ', StringSplitOptions.RemoveEmptyEntries)
                .Select(child => int.Parse(child, CultureInfo.InvariantCulture)).SelectMany(child => Descendants(child).Append(child)).ToList()
            : [];

    private static List<int> Matching(string text) =>
        Directory.GetDirectories("/proc").Select(Path.GetFileName)
            .Where(name => int.TryParse(name, out _))
            .Where(name =>
            {
                try
                {
                    return File.ReadAllText($"/proc/{name}/cmdline").Replace('\0', ' ').Contains(text, StringComparison.Ordinal);
                }
                catch (IOException)
                {
                    return false;
                }
            })
            .Select(name => int.Parse(name!, CultureInfo.InvariantCulture)).ToList();
}
