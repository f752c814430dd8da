using System.Net.Http.Headers;
using AeroGrid.Api.Client;

namespace AeroGrid.Tests.Infrastructure;

/// <summary>
/// The control plane and a real Operator process with its own data directory, the repository's Python SDK
/// and a wheelhouse the test fills. Fast timings (restart backoff, grace, drain) keep the tests short, and a
/// history of <see cref="RevisionHistoryLimit"/> revisions per app lets them see old ones go.
/// </summary>
public sealed class OperatorFixture : IAsyncLifetime
{
    public const int RevisionHistoryLimit = 3;

    private readonly int _port = ServiceProcess.FreePort();
    private ServiceProcess? _operator;

    public ControlPlaneFixture ControlPlane { get; }

    public OperatorFixture()
    {
        ControlPlane = new();
        ControlPlane.Settings["ControlPlane:LogsUrl"] = Url.ToString();
    }

    public string DataDirectory { get; } = Directory.CreateTempSubdirectory("aerogrid-operator-").FullName;

    public string WheelDirectory => Path.Combine(DataDirectory, "wheels");

    public Uri Url => new($"http://127.0.0.1:{_port}");

    internal ServiceProcess Process => _operator ?? throw new InvalidOperationException("not started");

    public ApiClient Api { get; private set; } = null!;

    /// <summary>
    /// What the first Operator printed while starting. Tests that restart it see apps left failing by other
    /// tests reported again, which is right for them but not a clean start.
    /// </summary>
    public string FirstStartupOutput { get; private set; } = "";

    public async ValueTask InitializeAsync()
    {
        Wheelhouse.AddWheel(WheelDirectory, "greeting", "1.0", "def greet():\n    return 'hello from a wheel'\n");
        await ControlPlane.InitializeAsync();
        Api = await ControlPlane.AdminApiAsync();
        await StartOperatorAsync();
        FirstStartupOutput = Process.StartupOutput;
    }

    public async Task StartOperatorAsync()
    {
        _operator = ServiceProcess.Start("AeroGrid.Operator",
        [
            "--urls", Url.ToString(),
            "--Auth:Authority", ControlPlane.Issuer.ToString(),
            "--Operator:ApiServer", ControlPlane.Url.ToString(),
            "--Operator:TokenEndpoint", new Uri(ControlPlane.Issuer, "oauth/token").ToString(),
            "--Operator:Local:DataDirectory", DataDirectory,
            "--Operator:Local:SdkPath", Path.Combine(RepoPaths.Root, "python"),
            "--Operator:Local:PipNoIndex", "true",
            "--Operator:Local:PipFindLinks:0", WheelDirectory,
            "--Operator:Local:ReadinessTimeout", "00:00:10",
            "--Operator:Local:GracePeriod", "00:00:02",
            "--Operator:Local:DrainDelay", "00:00:00.200",
            "--Operator:Local:RestartBackoff", "00:00:00.300",
            "--Operator:RevisionHistoryLimit", RevisionHistoryLimit.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ]);
        await _operator.WaitHealthyAsync(new Uri(Url, "/health"));
    }

    /// <summary>SIGKILL: the Operator dies without stopping anything; its app processes keep running.</summary>
    public Task KillOperatorAsync() => Process.KillAsync(descendants: false);

    /// <summary>The app's log through the API's <c>log</c> subresource (served by the Operator behind it).</summary>
    public async Task<string> LogAsync(string tenant, string app)
    {
        using var http = new HttpClient { BaseAddress = ControlPlane.Url };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await ControlPlane.TokenAsync(tenant));
        return await http.GetStringAsync($"/apis/aerogrid.io/v1alpha1/namespaces/{tenant}/apps/{app}/log");
    }

    /// <summary>Live processes of this Operator's revisions of the app.</summary>
    public IReadOnlyList<int> AppProcesses(string tenant, string app) => AppProcesses(DataDirectory, tenant, app);

    /// <summary>
    /// Live processes that run revisions of the app under a data directory, found by their working directory (a forked
    /// process's environment in /proc is its fork server's, so the variables the Operator sets do not show there).
    /// </summary>
    public static IReadOnlyList<int> AppProcesses(string dataDirectory, string tenant, string app) =>
        LiveProcesses.WorkingIn(directory =>
            directory.StartsWith(dataDirectory + "/", StringComparison.Ordinal)
            && directory.Contains($"/apps/{tenant}/{app}/rev-", StringComparison.Ordinal));

    public async ValueTask DisposeAsync()
    {
        if (_operator is not null)
        {
            await _operator.StopAsync();
            await _operator.DisposeAsync();
        }
        await ControlPlane.DisposeAsync();
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
