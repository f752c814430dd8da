using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using AeroGrid.Tests.Infrastructure;

namespace AeroGrid.Tests.AppHost;

/// <summary>
/// The AppHost as a person runs it, stopped each way it can be: Ctrl+C, SIGTERM, and SIGKILL (a crash). Whatever it
/// started must go with it: DCP, the dashboard, the platform's services and the user apps they run. The same when the
/// process that started it (a test run, a tool, the bench) passes its pid in <c>AEROGRID_PARENT_PID</c> and is killed.
/// </summary>
public sealed class AppHostShutdownTests
{
    [Theory]
    [InlineData("INT")]
    [InlineData("TERM")]
    [InlineData("KILL")]
    [InlineData("PARENT")]
    public async Task Stopping_the_apphost_stops_everything_it_started(string signal)
    {
        // For PARENT, a stand-in for the process that started the AppHost: killing it must stop the AppHost.
        using var parent = signal == "PARENT" ? Process.Start("sleep", ["600"]) : null;
        var data = Directory.CreateTempSubdirectory("aerogrid-shutdown-").FullName;
        var (api, portal) = (ServiceProcess.FreePort(), ServiceProcess.FreePort());
        await using var host = ServiceProcess.Start("AeroGrid.AppHost",
            [
                $"--AeroGrid:DataDirectory={data}", $"--AeroGrid:ApiPort={api}", $"--AeroGrid:ApiHttpsPort={ServiceProcess.FreePort()}",
                $"--AeroGrid:OperatorPort={ServiceProcess.FreePort()}", $"--AeroGrid:GatewayPort={ServiceProcess.FreePort()}", $"--AeroGrid:PortalPort={portal}",
            ],
            new Dictionary<string, string>
            {
                // What the AppHost's launch profile sets under dotnet run: the dashboard on plain HTTP.
                ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{ServiceProcess.FreePort()}",
                ["ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL"] = $"http://127.0.0.1:{ServiceProcess.FreePort()}",
                ["ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL"] = $"http://127.0.0.1:{ServiceProcess.FreePort()}",
                ["ASPIRE_ALLOW_UNSECURED_TRANSPORT"] = "true",
                // Only the AppHost (or its stand-in parent) is watched here, never the test process: what it started must go
                // because the AppHost went.
                ["AEROGRID_PARENT_PID"] = parent?.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "",
            });
        try
        {
            await host.WaitHealthyAsync(new Uri($"http://127.0.0.1:{portal}/health"), TimeSpan.FromSeconds(300));
            var token = await ControlPlaneFixture.IssueTokenAsync(new Uri($"http://127.0.0.1:{api}/dev-issuer/"), "demo");
            using var http = new HttpClient { BaseAddress = new($"http://127.0.0.1:{api}") };
            http.DefaultRequestHeaders.Authorization = new("Bearer", token);
            var (status, body) = await http.PostJsonAsync(PlatformFixture.AppsPath("demo"), new JsonObject
            {
                ["apiVersion"] = "aerogrid.io/v1alpha1",
                ["kind"] = "App",
                ["metadata"] = new JsonObject { ["name"] = "left-running" },
                ["spec"] = new JsonObject { ["files"] = PlatformFixture.AppFiles("still here") },
            });
            Assert.True(status == HttpStatusCode.Created, $"{status} {body}");
            await Eventually.TrueAsync(() => Task.FromResult(OperatorFixture.AppProcesses(data, "demo", "left-running").Count == 1),
                TimeSpan.FromSeconds(90), () => "the app never started");

            // DCP runs detached from the AppHost and watches its pid (--monitor); everything else descends from one of them.
            var started = LiveProcesses.Tree([host.Id, .. LiveProcesses.Where(commandLine => commandLine.Contains($"--monitor {host.Id} ", StringComparison.Ordinal))]);
            var names = started.ToDictionary(pid => pid, CommandLine);
            Assert.Contains(names.Values, name => name.Contains("dcp", StringComparison.Ordinal));
            Assert.Contains(names.Values, name => name.Contains("Aspire.Dashboard", StringComparison.Ordinal));
            Assert.Contains(names.Values, name => name.Contains("AeroGrid.Operator", StringComparison.Ordinal));
            Assert.Contains(names.Values, name => name.Contains("-m aerogrid", StringComparison.Ordinal));

            using (var kill = Process.Start("kill", parent is null ? ["-s", signal, $"{host.Id}"] : ["-s", "KILL", $"{parent.Id}"]))
            {
                await kill.WaitForExitAsync(TestContext.Current.CancellationToken);
            }

            // DCP notices a killed AppHost by polling, then stops what it runs: give it time rather than race it.
            await Eventually.TrueAsync(() => Task.FromResult(LiveProcesses.StillRunning(started).Count == 0), TimeSpan.FromSeconds(90),
                () => $"left running after SIG{signal}:\n" + string.Join('\n', LiveProcesses.StillRunning(started).Select(pid => names[pid])));
            Assert.Empty(OperatorFixture.AppProcesses(data, "demo", "left-running"));
        }
        finally
        {
            await host.StopAsync();
            Directory.Delete(data, recursive: true);
        }
    }

    private static string CommandLine(int pid)
    {
        try
        {
            return $"{pid}: {File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ')}";
        }
        catch (IOException)
        {
            return $"{pid}: (exited)";
        }
    }
}
