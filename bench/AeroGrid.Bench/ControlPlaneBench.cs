using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using AeroGrid.Api.Client;
using AeroGrid.Api.Resources;
using k8s;
using k8s.Models;

namespace AeroGrid.Bench;

/// <summary>
/// The local control plane under load: create and update throughput with concurrent writers, single-writer
/// latency, and watch event latency (write sent to event received), with 1,000 apps stored. The scenario runs
/// twice, each time on a fresh control plane: through bare HttpClient requests (the reference, what the hand-written
/// client sent) and through KubernetesClient, as every component now talks to the API.
/// </summary>
/// <remarks>
/// Each control plane runs the scenario <c>--rounds</c> times, each round in a tenant of its own. The first round
/// measures a fresh process, still compiling its hot paths (the JIT's tiers take about ten seconds of load to settle);
/// the later ones measure the server as it runs for days.
/// </remarks>
internal static class ControlPlaneBench
{
    public static async Task<int> RunAsync(string[] args)
    {
        var apps = BenchArgs.Int(args, "apps", 1000);
        var writers = BenchArgs.Int(args, "writers", 8);
        var updates = BenchArgs.Int(args, "updates", 2000);
        var watchEvents = BenchArgs.Int(args, "watch-events", 500);
        var rounds = BenchArgs.Int(args, "rounds", 3);
        Console.WriteLine($"control plane bench: {apps} apps, {writers} concurrent writers, {updates} updates, {watchEvents} watch events, {rounds} rounds per control plane");
        var tenants = Enumerable.Range(1, rounds).Select(round => $"bench-{round}").ToArray();
        foreach (var client in new[] { "HttpClient", "KubernetesClient" })
        {
            var url = new Uri($"http://127.0.0.1:{PlatformProcess.FreePort()}");
            var data = Directory.CreateTempSubdirectory("aerogrid-bench-").FullName;
            await using (var server = await PlatformProcess.StartControlPlaneAsync(url, data, tenants))
            {
                using var http = new HttpClient { BaseAddress = url };
                var token = await DevIssuer.AdminTokenAsync(http);
                http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
                using var kubernetes = ApiConnection.Connect(new KubernetesClientConfiguration { Host = url.ToString(), AccessToken = token });
                foreach (var tenant in tenants)
                {
                    IBenchApi api = client == "HttpClient" ? new RawApi(http, tenant) : new TypedApi(kubernetes, tenant);
                    Console.WriteLine($"-- through {client}, {(tenant == tenants[0] ? "fresh process" : "warm process")} (tenant {tenant})");
                    await RunScenarioAsync(api, server.Id, apps, writers, updates, watchEvents);
                }
                Console.WriteLine($"database size: {new FileInfo(Path.Combine(data, "aerogrid.db")).Length / 1024} KiB (+ WAL {new FileInfo(Path.Combine(data, "aerogrid.db-wal")).Length / 1024} KiB)");
            }
            Directory.Delete(data, recursive: true);
        }
        return 0;
    }

    private static async Task RunScenarioAsync(IBenchApi api, int server, int apps, int writers, int updates, int watchEvents)
    {
        var created = await TimedAsync(server, apps, writers, i => api.CreateAsync($"app-{i}"));
        Console.WriteLine($"create: {created.PerSecond:F0} objects/s with {writers} writers (goal 2,000); {created.Costs}");

        var updated = await TimedAsync(server, updates, writers, i => api.PatchAsync($"app-{i % apps}",
            new JsonObject { ["spec"] = new JsonObject { ["replicas"] = i % 5 + 1 } }));
        Console.WriteLine($"update (merge patch): {updated.PerSecond:F0} objects/s with {writers} writers (goal 2,000); {updated.Costs}");

        var single = await TimedAsync(server, updates / 4, 1, i => api.PatchAsync($"app-{i % apps}",
            new JsonObject { ["metadata"] = new JsonObject { ["labels"] = new JsonObject { ["round"] = $"r{i}" } } }));
        Console.WriteLine($"update, one writer: {single.PerSecond:F0} objects/s; {single.Costs}");

        var list = Stopwatch.StartNew();
        var (count, version) = await api.ListAsync();
        Console.WriteLine($"list of {count} apps: {list.Elapsed.TotalMilliseconds:F1} ms");

        Console.WriteLine($"watch event latency (write sent -> event received): {await WatchLatencyAsync(api, version, watchEvents)}");
    }

    private static async Task<Latencies> WatchLatencyAsync(IBenchApi api, string version, int events)
    {
        await using var watch = api.WatchLabels(version).GetAsyncEnumerator();
        var latencies = new Latencies();
        for (var i = 0; i < events; i++)
        {
            var sent = Stopwatch.StartNew();
            var write = api.PatchAsync($"app-{i % 100}", new JsonObject { ["metadata"] = new JsonObject { ["labels"] = new JsonObject { ["watch"] = $"w{i}" } } });
            while (await watch.MoveNextAsync())
            {
                if (watch.Current == $"w{i}")
                {
                    latencies.Add(sent.Elapsed);
                    break;
                }
            }
            await write;
        }
        return latencies;
    }

    /// <summary>
    /// Runs <paramref name="count"/> operations on <paramref name="concurrency"/> writers. Besides the rate, the latency, the
    /// server's own CPU per operation (the efficiency measure: throughput on two shared cores moves with the load) and the
    /// load average.
    /// </summary>
    private static async Task<(double PerSecond, string Costs)> TimedAsync(int server, int count, int concurrency, Func<int, Task> operation)
    {
        var latencies = new Latencies();
        var next = -1;
        var cpu = PlatformProcess.CpuSeconds(server);
        var total = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                var one = Stopwatch.StartNew();
                await operation(i);
                latencies.Add(one.Elapsed);
            }
        }));
        var perOperation = (PlatformProcess.CpuSeconds(server) - cpu) * 1000 / count;
        return (count / total.Elapsed.TotalSeconds,
            $"latency {latencies}; server CPU {perOperation:F2} ms per write; load average {PlatformProcess.LoadAverage()}");
    }

    private const string AppPy = "from aerogrid import App\napp = App()\n\n@app.get('/')\ndef hello():\n    return {'hello': 'world'}\n";

    /// <summary>The four calls the scenario makes, so both clients run the very same scenario.</summary>
    private interface IBenchApi
    {
        Task CreateAsync(string name);
        Task PatchAsync(string name, JsonObject mergePatch);
        Task<(int Count, string ResourceVersion)> ListAsync();

        /// <summary>The <c>watch</c> label of each changed app, from a resourceVersion on.</summary>
        IAsyncEnumerable<string?> WatchLabels(string resourceVersion);
    }

    private sealed class RawApi(HttpClient http, string @namespace) : IBenchApi
    {
        private readonly string _collection = $"/apis/aerogrid.io/v1alpha1/namespaces/{@namespace}/apps";

        public Task CreateAsync(string name) => SendAsync(HttpMethod.Post, _collection, new JsonObject
        {
            ["apiVersion"] = AeroGridApi.GroupVersion,
            ["kind"] = App.KindName,
            ["metadata"] = new JsonObject { ["name"] = name, ["labels"] = new JsonObject { ["bench"] = "yes" } },
            ["spec"] = new JsonObject
            {
                ["files"] = new JsonArray(
                    new JsonObject { ["path"] = "app.py", ["content"] = AppPy },
                    new JsonObject { ["path"] = "requirements.txt", ["content"] = "" }),
            },
        }, "application/json");

        public Task PatchAsync(string name, JsonObject mergePatch) =>
            SendAsync(HttpMethod.Patch, $"{_collection}/{name}", mergePatch, "application/merge-patch+json");

        public async Task<(int Count, string ResourceVersion)> ListAsync()
        {
            var listed = await http.GetFromJsonAsync<JsonObject>(_collection);
            return (listed!["items"]!.AsArray().Count, listed["metadata"]!["resourceVersion"]!.GetValue<string>());
        }

        public async IAsyncEnumerable<string?> WatchLabels(string resourceVersion)
        {
            using var response = await http.GetAsync($"{_collection}?watch=true&resourceVersion={resourceVersion}", HttpCompletionOption.ResponseHeadersRead);
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
            while (await reader.ReadLineAsync() is { } line)
            {
                yield return JsonNode.Parse(line)!["object"]?["metadata"]?["labels"]?["watch"]?.GetValue<string>();
            }
        }

        private async Task SendAsync(HttpMethod method, string path, JsonNode body, string contentType)
        {
            using var request = new HttpRequestMessage(method, path) { Content = new StringContent(body.ToJsonString(), Encoding.UTF8) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
            using var response = await http.SendAsync(request);
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"{method} {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            }
        }
    }

    private sealed class TypedApi(ApiClient api, string @namespace) : IBenchApi
    {
        public Task CreateAsync(string name) => api.Apps.CreateAsync(new App
        {
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = @namespace, Labels = new Dictionary<string, string> { ["bench"] = "yes" } },
            Spec = new AppSpec { Files = [new() { Path = "app.py", Content = AppPy }, new() { Path = "requirements.txt", Content = "" }] },
        });

        public Task PatchAsync(string name, JsonObject mergePatch) =>
            api.Apps.PatchAsync(@namespace, name, mergePatch, V1Patch.PatchType.MergePatch);

        public async Task<(int Count, string ResourceVersion)> ListAsync()
        {
            var listed = await api.Apps.ListAsync(@namespace);
            return (listed.Items.Count, listed.Metadata.ResourceVersion);
        }

        public async IAsyncEnumerable<string?> WatchLabels(string resourceVersion)
        {
            await foreach (var (_, app) in api.Apps.WatchAsync(@namespace, resourceVersion))
            {
                yield return app.GetLabel("watch");
            }
        }
    }
}
