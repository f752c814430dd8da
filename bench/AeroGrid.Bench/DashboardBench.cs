using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Aspire.Hosting;
using Aspire.Hosting.Testing;

namespace AeroGrid.Bench;

/// <summary>
/// From an App's create at the API until the dashboard is sent its resource (and until that resource is Running), with
/// the AppHost in this process: the dashboard shows exactly what <c>ResourceNotificationService</c> publishes.
/// </summary>
internal static class DashboardBench
{
    public static async Task<int> RunAsync(string[] args)
    {
        var apps = BenchArgs.Int(args, "apps", 10);
        var data = Directory.CreateTempSubdirectory("aerogrid-bench-dashboard-").FullName;
        var api = PlatformProcess.FreePort();
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AeroGrid_AppHost>(
        [
            $"--AeroGrid:DataDirectory={data}", $"--AeroGrid:ApiPort={api}", $"--AeroGrid:ApiHttpsPort={PlatformProcess.FreePort()}",
            $"--AeroGrid:OperatorPort={PlatformProcess.FreePort()}", $"--AeroGrid:GatewayPort={PlatformProcess.FreePort()}",
            $"--AeroGrid:PortalPort={PlatformProcess.FreePort()}",
        ]);
        await using (var app = await builder.BuildAsync())
        {
            await app.StartAsync();
            await app.ResourceNotifications.WaitForResourceHealthyAsync("portal");
            using var http = new HttpClient { BaseAddress = new($"http://127.0.0.1:{api}") };
            http.DefaultRequestHeaders.Authorization = new("Bearer", await DevIssuer.TokenAsync(http, "demo", "apps:read apps:write"));
            Console.WriteLine($"dashboard bench: {apps} apps created one after another, each until its resource is Running");
            var (shown, running) = (new Latencies(), new Latencies());
            for (var i = 0; i < apps; i++)
            {
                var name = $"bench-{i}";
                var started = Stopwatch.StartNew();
                using var response = await http.PostAsJsonAsync("/apis/aerogrid.io/v1alpha1/namespaces/demo/apps", new JsonObject
                {
                    ["apiVersion"] = "aerogrid.io/v1alpha1",
                    ["kind"] = "App",
                    ["metadata"] = new JsonObject { ["name"] = name },
                    ["spec"] = new JsonObject
                    {
                        ["files"] = new JsonArray(
                            new JsonObject { ["path"] = "app.py", ["content"] = "from aerogrid import App\napp = App()\n" },
                            new JsonObject { ["path"] = "requirements.txt", ["content"] = "" }),
                    },
                });
                response.EnsureSuccessStatusCode();
                await app.ResourceNotifications.WaitForResourceAsync($"{name}.demo", _ => true);
                shown.Add(started.Elapsed);
                await app.ResourceNotifications.WaitForResourceAsync($"{name}.demo", "Running");
                running.Add(started.Elapsed);
            }
            Console.WriteLine($"create -> resource on the dashboard: {shown}");
            Console.WriteLine($"create -> resource Running:          {running}");
            await app.StopAsync();
        }
        Directory.Delete(data, recursive: true);
        return 0;
    }
}
