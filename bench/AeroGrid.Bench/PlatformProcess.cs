using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace AeroGrid.Bench;

/// <summary>A platform service started from its build output for the length of a benchmark.</summary>
internal sealed class PlatformProcess : IAsyncDisposable
{
    private readonly Process _process;

    private PlatformProcess(Process process) => _process = process;

    public int Id => _process.Id;

    /// <summary>The repository this benchmark was built from.</summary>
    public static string RepositoryRoot
    {
        get
        {
            var root = new DirectoryInfo(AppContext.BaseDirectory);
            while (!File.Exists(Path.Combine(root.FullName, "AeroGrid.sln")))
            {
                root = root.Parent ?? throw new InvalidOperationException("AeroGrid.sln not found");
            }
            return root.FullName;
        }
    }

    public static Task<PlatformProcess> StartAsync(string project, Uri health, params string[] args) =>
        StartBinaryAsync(Path.Combine(RepositoryRoot, project), project, health, args);

    /// <summary>YARP alone (<c>bench/Reference/BareProxy</c>) on <paramref name="url"/>, forwarding <c><paramref name="prefix"/>/**</c> to <paramref name="upstream"/>.</summary>
    public static Task<PlatformProcess> StartBareProxyAsync(Uri url, string prefix, string upstream) =>
        StartBinaryAsync(Path.Combine(RepositoryRoot, "bench", "Reference", "BareProxy"), "BareProxy", new Uri(url, "/health"),
            ["--urls", url.ToString(), "--Prefix", prefix, "--Upstream", upstream]);

    private static async Task<PlatformProcess> StartBinaryAsync(string projectDirectory, string project, Uri health, string[] args)
    {
        var configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;
        var binary = Path.Combine(projectDirectory, "bin", configuration, "net10.0", project + ".dll");
        var info = new ProcessStartInfo("dotnet") { WorkingDirectory = Path.GetDirectoryName(binary)!, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(binary);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        info.Environment["AEROGRID_PARENT_PID"] = Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { Console.Error.WriteLine($"[{project}] {e.Data}"); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var http = new HttpClient();
        for (var i = 0; i < 300; i++)
        {
            try
            {
                if ((await http.GetAsync(health)).IsSuccessStatusCode)
                {
                    return new PlatformProcess(process);
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            // Also after a 503: a gateway answers that until its first list of Apps.
            await Task.Delay(100);
        }
        process.Kill();
        throw new TimeoutException($"{project} did not start");
    }

    /// <summary>The control plane with the dev issuer on <paramref name="url"/>, its data in <paramref name="dataDirectory"/>, tenant <c>bench</c>.</summary>
    public static Task<PlatformProcess> StartControlPlaneAsync(Uri url, string dataDirectory, params string[] tenants) =>
        StartAsync("AeroGrid.ControlPlane", new Uri(url, "/readyz"),
        [
            "--urls", url.ToString(), "--Auth:Authority", new Uri(url, "/dev-issuer/").ToString(), "--DevIssuer:Enabled", "true",
            "--ControlPlane:DataDirectory", dataDirectory,
            // No HTTPS port for kubectl: the benchmarks do not need it, and a fixed one may be taken.
            "--ControlPlane:HttpsPort", "0",
            .. (tenants.Length == 0 ? ["bench"] : tenants).SelectMany((tenant, i) => new[] { $"--ControlPlane:Tenants:{i}", tenant }),
        ]);

    /// <summary>The gateway on <paramref name="url"/>, routing the Apps of the control plane on <paramref name="controlPlane"/> and checking its dev issuer's tokens.</summary>
    public static Task<PlatformProcess> StartGatewayAsync(Uri url, Uri controlPlane) =>
        StartAsync("AeroGrid.Gateway", new Uri(url, "/health"),
            "--urls", url.ToString(),
            "--Gateway:ApiServer", controlPlane.ToString(),
            "--Gateway:TokenEndpoint", new Uri(controlPlane, "/dev-issuer/oauth/token").ToString(),
            "--Auth:Authority", new Uri(controlPlane, "/dev-issuer/").ToString());

    /// <summary>CPU seconds (user and system) the process has used so far, from /proc (in clock ticks of 1/100 s, Linux's USER_HZ).</summary>
    public static double CpuSeconds(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
    }

    /// <summary>The pids of the process's children, from /proc.</summary>
    public static IEnumerable<int> ChildrenOf(int pid) =>
        Directory.GetDirectories($"/proc/{pid}/task")
            .SelectMany(thread => File.ReadAllText(Path.Combine(thread, "children")).Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(child => int.Parse(child, CultureInfo.InvariantCulture));

    /// <summary>The 1-minute load average: this machine may be shared, and the numbers mean little when it is busy.</summary>
    public static string LoadAverage() => File.ReadAllText("/proc/loadavg").Split(' ')[0];

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
    }
}
