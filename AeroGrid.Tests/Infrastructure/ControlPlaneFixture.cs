using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace AeroGrid.Tests.Infrastructure;

/// <summary>
/// A real control plane process on a free loopback port with its own data directory and the dev issuer,
/// shared by the tests of one class. Tenants <c>acme</c> and <c>globex</c> exist from the start.
/// </summary>
public sealed class ControlPlaneFixture : IAsyncLifetime
{
    private int _port = ServiceProcess.FreePort();
    private int _httpsPort = ServiceProcess.FreePort();
    private ServiceProcess? _process;

    public string DataDirectory { get; } = Directory.CreateTempSubdirectory("aerogrid-cp-").FullName;

    public Uri Url => new($"http://127.0.0.1:{_port}");

    public Uri Issuer => new(Url, "/dev-issuer/");

    /// <summary>Extra configuration for the process, e.g. a small watch history to test compaction.</summary>
    public Dictionary<string, string> Settings { get; } = [];

    internal ServiceProcess Process => _process ?? throw new InvalidOperationException("not started");

    public async ValueTask InitializeAsync()
    {
        // A free port is only free until someone binds it: parallel test classes (and their app processes)
        // may take it between our choice and the server's bind. Then choose again.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await StartAsync();
                return;
            }
            catch (InvalidOperationException e) when (attempt < 3 && e.Message.Contains("address already in use", StringComparison.Ordinal))
            {
                (_port, _httpsPort) = (ServiceProcess.FreePort(), ServiceProcess.FreePort());
            }
        }
    }

    public async Task StartAsync()
    {
        var args = new List<string>
        {
            "--urls", Url.ToString(),
            "--Auth:Authority", Issuer.ToString(),
            "--DevIssuer:Enabled", "true",
            "--ControlPlane:DataDirectory", DataDirectory,
            "--ControlPlane:HttpsPort", _httpsPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--ControlPlane:Tenants:0", "acme",
            "--ControlPlane:Tenants:1", "globex",
        };
        foreach (var (key, value) in Settings)
        {
            args.AddRange([$"--{key}", value]);
        }
        _process = ServiceProcess.Start("AeroGrid.ControlPlane", args);
        await _process.WaitHealthyAsync(new Uri(Url, "/readyz"));
    }

    /// <summary>Kills the process with SIGKILL and starts it again on the same port and data.</summary>
    public async Task CrashAndRestartAsync()
    {
        await Process.KillAsync();
        await StartAsync();
    }

    /// <summary>A token from the dev issuer; no tenant and <c>platform:admin</c> for the platform's own identity.</summary>
    public Task<string> TokenAsync(string? tenant, params string[] permissions) => IssueTokenAsync(Issuer, tenant, permissions);

    /// <summary>A token from the dev issuer at <paramref name="issuer"/>, as a script or another tool gets one (client credentials).</summary>
    public static async Task<string> IssueTokenAsync(Uri issuer, string? tenant, params string[] permissions)
    {
        using var http = new HttpClient();
        var form = new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["subject"] = tenant is null ? "platform" : $"user@{tenant}",
            ["permissions"] = string.Join(' ', permissions.Length == 0 ? ["apps:read", "apps:write"] : permissions),
        };
        if (tenant is not null)
        {
            form["tenant"] = tenant;
        }
        using var response = await http.PostAsync(new Uri(issuer, "oauth/token"), new FormUrlEncodedContent(form));
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonObject>();
        return body!["access_token"]!.GetValue<string>();
    }

    public Task<string> AdminTokenAsync() => TokenAsync(null, "platform:admin");

    /// <summary>An HttpClient for the API with the given bearer token (none when null).</summary>
    public HttpClient Client(string? token)
    {
        var http = new HttpClient { BaseAddress = Url, Timeout = TimeSpan.FromSeconds(30) };
        if (token is not null)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        return http;
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is not null)
        {
            await _process.DisposeAsync();
        }
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a temp directory.
        }
    }
}
