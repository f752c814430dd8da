using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace AeroGrid.Bench;

/// <summary>The grid benchmark's Python app (bench/GridApp/app.py), run by the SDK as the platform runs it: <c>python -m aerogrid</c> on a free port.</summary>
internal sealed class GridApp : IAsyncDisposable
{
    private readonly Process _process;

    private GridApp(Process process, Uri url) => (_process, Url) = (process, url);

    public Uri Url { get; }

    public int Id => _process.Id;

    public static async Task<GridApp> StartAsync(string folder, Dictionary<string, string> environment)
    {
        var port = PlatformProcess.FreePort();
        // The real binary, as the Operator resolves it: python3 may be a shim that stays in between.
        var info = new ProcessStartInfo("python3", ["-c", "import os, sys; os.execv(sys.executable, [sys.executable, '-m', 'aerogrid'])"])
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
        };
        info.Environment["PYTHONPATH"] = Path.Combine(PlatformProcess.RepositoryRoot, "python");
        info.Environment["PORT"] = port.ToString(CultureInfo.InvariantCulture);
        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        var app = new GridApp(process, new Uri($"http://127.0.0.1:{port}"));
        using var http = new HttpClient();
        for (var i = 0; i < 100; i++)
        {
            try
            {
                if ((await http.GetAsync(new Uri(app.Url, "/healthz"))).IsSuccessStatusCode)
                {
                    return app;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            await Task.Delay(100);
        }
        await app.DisposeAsync();
        throw new TimeoutException($"{folder}: the app did not start");
    }

    /// <summary>The grid's version: how many changes the app has made.</summary>
    public async Task<long> VersionAsync(HttpClient http)
    {
        var grids = await http.GetFromJsonAsync<JsonObject>(new Uri(Url, "/grids"));
        return grids!["grids"]![0]!["version"]!.GetValue<long>();
    }

    public async ValueTask DisposeAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
    }
}
