using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Threading.Channels;

namespace AeroGrid.Bench;

/// <summary>
/// The Portal as a browser uses it, over HTTP against the whole local platform (the AppHost): sign-in through the
/// dev issuer's code flow, save-to-live (a save through the Portal until the request panel sees the new answer),
/// save-to-event (a save until the page's event stream reports it), and the weight of the page a browser loads.
/// </summary>
internal static partial class PortalBench
{
    private const string Tenant = "bench";

    public static async Task<int> RunAsync(string[] args)
    {
        var signIns = BenchArgs.Int(args, "sign-ins", 20);
        var edits = BenchArgs.Int(args, "edits", 20);
        // People save seconds apart; back to back, a save waits for the previous revision's drain (1 s by default).
        var pause = TimeSpan.FromMilliseconds(BenchArgs.Int(args, "pause-ms", 1500));
        var data = Directory.CreateTempSubdirectory("aerogrid-bench-portal-").FullName;
        var ports = Enumerable.Range(0, 5).Select(_ => PlatformProcess.FreePort()).ToArray();
        var portal = new Uri($"http://127.0.0.1:{ports[4]}");
        await using var platform = await PlatformProcess.StartAsync("AeroGrid.AppHost", new Uri(portal, "/health"),
            "--data-dir", data, "--api-port", $"{ports[0]}", "--api-https-port", $"{ports[1]}", "--operator-port", $"{ports[2]}",
            "--gateway-port", $"{ports[3]}", "--portal-port", $"{ports[4]}", "--tenants", Tenant);
        Console.WriteLine($"portal bench: {signIns} sign-ins, {edits} saves through the Portal, {pause.TotalMilliseconds:F0} ms apart");

        var signInLatency = new Latencies();
        for (var i = 0; i < signIns; i++)
        {
            var started = Stopwatch.StartNew();
            (await SignInAsync(portal)).Dispose();
            signInLatency.Add(started.Elapsed);
        }
        Console.WriteLine($"sign-in (code flow with PKCE, 4 round trips): {signInLatency}");

        using var browser = await SignInAsync(portal);
        var created = await SendAsync(browser, HttpMethod.Post, "/bff/apps", App("bench-portal", "v0"));
        await AnswerAsync(browser, "v0");
        using var events = await browser.GetAsync("/bff/apps/events", HttpCompletionOption.ResponseHeadersRead);
        var generations = Channel.CreateUnbounded<long>();
        _ = ReadGenerationsAsync(await events.Content.ReadAsStreamAsync(), generations.Writer);

        var toEvent = new Latencies();
        var toLive = new Latencies();
        var app = created;
        for (var i = 1; i <= edits; i++)
        {
            await Task.Delay(pause);
            app["spec"] = App("bench-portal", $"v{i}")["spec"]!.DeepClone();
            var started = Stopwatch.StartNew();
            app = await SendAsync(browser, HttpMethod.Put, "/bff/apps/bench-portal", app);
            var generation = app["metadata"]!["generation"]!.GetValue<long>();
            while (await generations.Reader.ReadAsync() < generation)
            {
            }
            toEvent.Add(started.Elapsed);
            await AnswerAsync(browser, $"v{i}");
            toLive.Add(started.Elapsed);
        }
        Console.WriteLine($"save to the page's event stream: {toEvent}");
        Console.WriteLine($"save to the new answer in the request panel: {toLive}");

        var (files, bytes, gzipped) = await PageWeightAsync(portal);
        Console.WriteLine($"page: {files} files, {bytes / 1024.0:F0} KiB ({gzipped / 1024.0:F0} KiB gzipped), Monaco loaded on demand from /vs");
        Directory.Delete(data, recursive: true);
        return 0;
    }

    /// <summary>The code flow as a browser follows it: /signin, the issuer's page, the user chosen, the callback.</summary>
    private static async Task<HttpClient> SignInAsync(Uri portal)
    {
        var http = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = portal };
        using var signIn = await http.GetAsync("/signin");
        var authorize = signIn.Headers.Location!;
        var page = await http.GetStringAsync(authorize);
        var form = HiddenInput().Matches(page).ToDictionary(m => m.Groups[1].Value, m => WebUtility.HtmlDecode(m.Groups[2].Value));
        form["user"] = $"dev@{Tenant}";
        using var chosen = await http.PostAsync(new Uri(authorize.GetLeftPart(UriPartial.Path)), new FormUrlEncodedContent(form));
        using var callback = await http.GetAsync(chosen.Headers.Location);
        return callback.StatusCode == HttpStatusCode.Redirect ? http : throw new InvalidOperationException("sign-in failed");
    }

    private static async Task AnswerAsync(HttpClient browser, string expected)
    {
        while (true)
        {
            var answer = await SendAsync(browser, HttpMethod.Post, "/bff/apps/bench-portal/invoke", new JsonObject { ["method"] = "GET", ["path"] = "/" });
            if (answer["status"]!.GetValue<int>() == 200 && answer["body"]!.GetValue<string>().Contains(expected, StringComparison.Ordinal))
            {
                return;
            }
            await Task.Delay(5);
        }
    }

    private static async Task<JsonObject> SendAsync(HttpClient browser, HttpMethod method, string path, JsonObject body)
    {
        using var request = new HttpRequestMessage(method, path) { Content = JsonContent.Create(body) };
        request.Headers.Add("X-AeroGrid-Csrf", "1");
        using var response = await browser.SendAsync(request);
        var answer = await response.Content.ReadFromJsonAsync<JsonObject>();
        return response.IsSuccessStatusCode ? answer! : throw new InvalidOperationException($"{method} {path}: {answer}");
    }

    private static async Task ReadGenerationsAsync(Stream stream, ChannelWriter<long> generations)
    {
        using var reader = new StreamReader(stream);
        while (await reader.ReadLineAsync() is { } line)
        {
            if (line.StartsWith("data: {\"type\"", StringComparison.Ordinal)
                && JsonNode.Parse(line[6..])?["object"]?["metadata"]?["generation"]?.GetValue<long>() is { } generation)
            {
                generations.TryWrite(generation);
            }
        }
    }

    /// <summary>index.html and what it links (scripts, styles), as a first visit loads them; gzip as a compressing ingress would send them.</summary>
    private static async Task<(int Files, long Bytes, long Gzipped)> PageWeightAsync(Uri portal)
    {
        using var http = new HttpClient { BaseAddress = portal };
        var index = await http.GetByteArrayAsync("/");
        var linked = Linked().Matches(Encoding.UTF8.GetString(index)).Select(m => m.Groups[1].Value).Where(p => p.StartsWith('/')).Distinct().ToList();
        var files = new List<byte[]> { index };
        foreach (var path in linked)
        {
            files.Add(await http.GetByteArrayAsync(path));
        }
        return (files.Count, files.Sum(f => (long)f.Length), files.Sum(Gzipped));
    }

    private static long Gzipped(byte[] bytes)
    {
        using var output = new MemoryStream();
        using (var gzip = new System.IO.Compression.GZipStream(output, System.IO.Compression.CompressionLevel.Optimal))
        {
            gzip.Write(bytes);
        }
        return output.Length;
    }

    private static JsonObject App(string name, string message) => new()
    {
        ["metadata"] = new JsonObject { ["name"] = name },
        ["spec"] = new JsonObject
        {
            ["files"] = new JsonArray(
                new JsonObject { ["path"] = "app.py", ["content"] = $"from aerogrid import App\napp = App()\n\n@app.get('/')\ndef index():\n    return {{'message': '{message}'}}\n" },
                new JsonObject { ["path"] = "requirements.txt", ["content"] = "" }),
        },
    };

    [GeneratedRegex("type=\"hidden\" name=\"([a-z_]+)\" value=\"([^\"]*)\"")]
    private static partial Regex HiddenInput();

    [GeneratedRegex("(?:src|href)=\"([^\"]+)\"")]
    private static partial Regex Linked();
}
