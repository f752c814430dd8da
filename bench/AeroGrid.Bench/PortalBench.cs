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
            $"--AeroGrid:DataDirectory={data}", $"--AeroGrid:ApiPort={ports[0]}", $"--AeroGrid:ApiHttpsPort={ports[1]}", $"--AeroGrid:OperatorPort={ports[2]}",
            $"--AeroGrid:GatewayPort={ports[3]}", $"--AeroGrid:PortalPort={ports[4]}", $"--AeroGrid:Tenants={Tenant}",
            // The dashboard on addresses of its own (the AppHost runs here without its launch profile).
            $"--ASPNETCORE_URLS=http://127.0.0.1:{PlatformProcess.FreePort()}", $"--ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL=http://127.0.0.1:{PlatformProcess.FreePort()}",
            $"--ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL=http://127.0.0.1:{PlatformProcess.FreePort()}", "--ASPIRE_ALLOW_UNSECURED_TRANSPORT=true");
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
        using var events = await browser.GetAsync("/bff/watch/apps", HttpCompletionOption.ResponseHeadersRead);
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

        var (files, bytes, wire) = await PageWeightAsync(portal, ["/"]);
        Console.WriteLine($"first page: {files} files, {bytes / 1024.0:F0} KiB, {wire / 1024.0:F0} KiB on the wire");
        (files, bytes, wire) = await PageWeightAsync(portal, MonacoCore);
        Console.WriteLine($"Monaco, loaded when an editor first opens: {files} files, {bytes / 1024.0:F0} KiB, {wire / 1024.0:F0} KiB on the wire");
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

    /// <summary>What the editor page asks Monaco's AMD loader for: the loader, the editor and Python highlighting.</summary>
    private static readonly string[] MonacoCore =
        ["/vs/loader.js", "/vs/editor/editor.main.js", "/vs/editor/editor.main.css", "/vs/basic-languages/python/python.js"];

    /// <summary>The pages and what their HTML links (scripts, styles): bytes as stored, and on the wire to a browser that accepts br and gzip.</summary>
    private static async Task<(int Files, long Bytes, long OnTheWire)> PageWeightAsync(Uri portal, string[] paths)
    {
        using var plain = new HttpClient { BaseAddress = portal };
        using var browser = new HttpClient(new HttpClientHandler { AutomaticDecompression = DecompressionMethods.None }) { BaseAddress = portal };
        browser.DefaultRequestHeaders.AcceptEncoding.ParseAdd("br, gzip");
        var files = new List<string>();
        foreach (var path in paths)
        {
            files.Add(path);
            if (path == "/")
            {
                var html = await plain.GetStringAsync(path);
                files.AddRange(Linked().Matches(html).Select(m => m.Groups[1].Value).Where(p => p.StartsWith('/')).Distinct());
            }
        }
        long bytes = 0, wire = 0;
        foreach (var file in files)
        {
            bytes += (await plain.GetByteArrayAsync(file)).LongLength;
            wire += (await browser.GetByteArrayAsync(file)).LongLength;
        }
        return (files.Count, bytes, wire);
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
