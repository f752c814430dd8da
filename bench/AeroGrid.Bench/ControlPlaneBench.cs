using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace AeroGrid.Bench;

/// <summary>
/// The local control plane under load: create and update throughput with concurrent writers, single-writer
/// latency, and watch event latency (write sent to event received), with 1,000 apps stored.
/// </summary>
internal static class ControlPlaneBench
{
    public static async Task<int> RunAsync(string[] args)
    {
        var apps = BenchArgs.Int(args, "apps", 1000);
        var writers = BenchArgs.Int(args, "writers", 8);
        var updates = BenchArgs.Int(args, "updates", 2000);
        var watchEvents = BenchArgs.Int(args, "watch-events", 500);
        var port = PlatformProcess.FreePort();
        var url = new Uri($"http://127.0.0.1:{port}");
        var data = Directory.CreateTempSubdirectory("aerogrid-bench-").FullName;
        await using var server = await PlatformProcess.StartControlPlaneAsync(url, data);
        using var http = new HttpClient { BaseAddress = url };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await DevIssuer.AdminTokenAsync(http));
        const string Collection = "/apis/aerogrid.io/v1alpha1/namespaces/bench/apps";

        Console.WriteLine($"control plane bench: {apps} apps, {writers} concurrent writers, {updates} updates, {watchEvents} watch events");

        var created = await TimedAsync(apps, writers, i => SendAsync(http, HttpMethod.Post, Collection, Manifest($"app-{i}"), "application/json"));
        Console.WriteLine($"create: {created.PerSecond:F0} objects/s with {writers} writers; latency {created.Latencies}");

        var updated = await TimedAsync(updates, writers, i => SendAsync(http, HttpMethod.Patch, $"{Collection}/app-{i % apps}",
            new JsonObject { ["spec"] = new JsonObject { ["replicas"] = i % 5 + 1 } }, "application/merge-patch+json"));
        Console.WriteLine($"update (merge patch): {updated.PerSecond:F0} objects/s with {writers} writers; latency {updated.Latencies}");

        var single = await TimedAsync(updates / 4, 1, i => SendAsync(http, HttpMethod.Patch, $"{Collection}/app-{i % apps}",
            new JsonObject { ["metadata"] = new JsonObject { ["labels"] = new JsonObject { ["round"] = $"r{i}" } } }, "application/merge-patch+json"));
        Console.WriteLine($"update, one writer: {single.PerSecond:F0} objects/s; latency {single.Latencies}");

        var list = Stopwatch.StartNew();
        var listed = await http.GetFromJsonAsync<JsonObject>(Collection);
        Console.WriteLine($"list of {listed!["items"]!.AsArray().Count} apps: {list.Elapsed.TotalMilliseconds:F1} ms");

        Console.WriteLine($"watch event latency (write sent -> event received): {await WatchLatencyAsync(http, Collection, watchEvents)}");
        Console.WriteLine($"database size: {new FileInfo(Path.Combine(data, "aerogrid.db")).Length / 1024} KiB (+ WAL {new FileInfo(Path.Combine(data, "aerogrid.db-wal")).Length / 1024} KiB)");
        Directory.Delete(data, recursive: true);
        return 0;
    }

    private static async Task<Latencies> WatchLatencyAsync(HttpClient http, string collection, int events)
    {
        var listed = await http.GetFromJsonAsync<JsonObject>(collection + "?limit=1");
        var version = listed!["metadata"]!["resourceVersion"]!.GetValue<string>();
        using var response = await http.GetAsync($"{collection}?watch=true&resourceVersion={version}", HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var latencies = new Latencies();
        for (var i = 0; i < events; i++)
        {
            var name = $"app-{i % 100}";
            var sent = Stopwatch.StartNew();
            var write = SendAsync(http, HttpMethod.Patch, $"{collection}/{name}",
                new JsonObject { ["metadata"] = new JsonObject { ["labels"] = new JsonObject { ["watch"] = $"w{i}" } } }, "application/merge-patch+json");
            while (await reader.ReadLineAsync() is { } line)
            {
                var received = JsonNode.Parse(line)!;
                if (received["object"]?["metadata"]?["labels"]?["watch"]?.GetValue<string>() == $"w{i}")
                {
                    latencies.Add(sent.Elapsed);
                    break;
                }
            }
            await write;
        }
        return latencies;
    }

    private static async Task<(double PerSecond, Latencies Latencies)> TimedAsync(int count, int concurrency, Func<int, Task> operation)
    {
        var latencies = new Latencies();
        var next = -1;
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
        return (count / total.Elapsed.TotalSeconds, latencies);
    }

    private static async Task SendAsync(HttpClient http, HttpMethod method, string path, JsonNode body, string contentType)
    {
        using var request = new HttpRequestMessage(method, path) { Content = new StringContent(body.ToJsonString(), Encoding.UTF8) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        using var response = await http.SendAsync(request);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{method} {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }

    private static JsonObject Manifest(string name) => new()
    {
        ["apiVersion"] = "aerogrid.io/v1alpha1",
        ["kind"] = "App",
        ["metadata"] = new JsonObject { ["name"] = name, ["labels"] = new JsonObject { ["bench"] = "yes" } },
        ["spec"] = new JsonObject
        {
            ["files"] = new JsonArray(
                new JsonObject { ["path"] = "app.py", ["content"] = "from aerogrid import App\napp = App()\n\n@app.get('/')\ndef hello():\n    return {'hello': 'world'}\n" },
                new JsonObject { ["path"] = "requirements.txt", ["content"] = "" }),
        },
    };
}
