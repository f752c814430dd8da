using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using AeroGrid.Api.Client;
using AeroGrid.Api.Resources;
using AeroGrid.Tests.Infrastructure;

namespace AeroGrid.Tests.AppHost;

/// <summary>The whole local platform started the way the README says, used through its front doors, then stopped.</summary>
public sealed class AppHostEndToEndTests
{
    private static App Hello(string message) => new()
    {
        Metadata = new() { Name = "hello", Namespace = "demo" },
        Spec = new()
        {
            Files =
            [
                new() { Path = "app.py", Content = $"from aerogrid import App\napp = App()\n\n@app.get('/')\ndef index():\n    return {{'message': '{message}'}}\n" },
                new() { Path = "requirements.txt", Content = "" },
            ],
        },
    };

    [Fact]
    public async Task The_platform_runs_an_app_through_the_gateway_and_leaves_nothing_behind()
    {
        var data = Directory.CreateTempSubdirectory("aerogrid-apphost-").FullName;
        var (api, https, op, gateway, portal) =
            (ServiceProcess.FreePort(), ServiceProcess.FreePort(), ServiceProcess.FreePort(), ServiceProcess.FreePort(), ServiceProcess.FreePort());
        await using var host = ServiceProcess.Start("AeroGrid.AppHost",
        [
            "--data-dir", data, "--api-port", $"{api}", "--api-https-port", $"{https}", "--operator-port", $"{op}", "--gateway-port", $"{gateway}",
            "--portal-port", $"{portal}",
        ]);
        try
        {
            await Eventually.TrueAsync(() => Task.FromResult(host.Output.Contains("AeroGrid is running", StringComparison.Ordinal)),
                TimeSpan.FromSeconds(90), () => host.Output);
            var token = await TokenAsync(api);
            var client = new ApiClient(new HttpClient { BaseAddress = new($"http://127.0.0.1:{api}") }, _ => ValueTask.FromResult<string?>(token));
            using var http = new HttpClient { BaseAddress = new($"http://127.0.0.1:{gateway}") };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

            await client.Apps.CreateAsync(Hello("first"));
            Assert.Equal("first", await AnswerAsync(http, "first"));

            // A component that crashes is restarted, and the AppHost says so.
            var gatewayProcess = ProcessesWith($"AeroGrid.Gateway.dll --urls http://127.0.0.1:{gateway}").Single();
            System.Diagnostics.Process.GetProcessById(gatewayProcess).Kill();
            await Eventually.TrueAsync(() => Task.FromResult(host.Output.Contains("[gateway] exited with code", StringComparison.Ordinal)),
                TimeSpan.FromSeconds(10), () => "the AppHost did not notice");
            Assert.Equal("first", await AnswerAsync(http, "first"));

            var app = await client.Apps.GetAsync("demo", "hello");
            await client.Apps.UpdateAsync(app with { Spec = Hello("second").Spec });
            Assert.Equal("second", await AnswerAsync(http, "second"));

            await client.Apps.DeleteAsync("demo", "hello");
            await Eventually.TrueAsync(async () => (await http.GetAsync("/apps/demo/hello/")).StatusCode == HttpStatusCode.NotFound,
                TimeSpan.FromSeconds(30), () => "the deleted app still answers");
            Assert.Empty(OperatorFixture.AppProcesses(data, "demo", "hello"));

            // Another app, left running: SIGTERM to the AppHost must stop it too.
            await client.Apps.CreateAsync(Hello("left running") with { Metadata = new() { Name = "stays", Namespace = "demo" } });
            await Eventually.TrueAsync(() => Task.FromResult(OperatorFixture.AppProcesses(data, "demo", "stays").Count == 1), TimeSpan.FromSeconds(60), () => "stays never started");
            Assert.NotEmpty(ProcessesUnder(data));
            var portalProcess = $"AeroGrid.Portal.dll --urls http://127.0.0.1:{portal}";
            Assert.Single(ProcessesWith(portalProcess));

            await host.StopAsync(TimeSpan.FromSeconds(60));

            Assert.True(host.HasExited);
            // Children that got SIGTERM may need a moment to finish exiting; an orphan never does.
            await Eventually.TrueAsync(() => Task.FromResult(ProcessesUnder(data).Count == 0), TimeSpan.FromSeconds(10),
                () => "left running: " + string.Join("; ", ProcessesUnder(data).Select(CommandLine)) + "\n" + host.Output[^Math.Min(host.Output.Length, 3000)..]);
            Assert.Empty(OperatorFixture.AppProcesses(data, "demo", "stays"));
            Assert.Empty(ProcessesWith(portalProcess));
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    private static async Task<string> AnswerAsync(HttpClient gateway, string expected) =>
        await Eventually.GetAsync(async () =>
        {
            try
            {
                using var response = await gateway.GetAsync("/apps/demo/hello/");
                return response.IsSuccessStatusCode && (await response.Content.ReadFromJsonAsync<JsonObject>())?["message"]?.GetValue<string>() is { } message && message == expected
                    ? message
                    : null;
            }
            catch (HttpRequestException)
            {
                return null;
            }
        }, TimeSpan.FromSeconds(60), $"the gateway answering '{expected}'");

    private static async Task<string> TokenAsync(int apiPort)
    {
        using var http = new HttpClient();
        using var response = await http.PostAsync(new Uri($"http://127.0.0.1:{apiPort}/dev-issuer/oauth/token"),
            new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "client_credentials", ["tenant"] = "demo" }));
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["access_token"]!.GetValue<string>();
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

    /// <summary>Live processes that mention the data directory in their command line or environment: the platform's and its apps'.</summary>
    private static List<int> ProcessesUnder(string data) => ProcessesWith(data);

    private static List<int> ProcessesWith(string text) =>
        LiveProcesses.Where((commandLine, environment) =>
            commandLine.Contains(text, StringComparison.Ordinal) || environment.Contains(text, StringComparison.Ordinal));
}
