using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text.Json;
using AeroGrid.Client.SignIn;

namespace AeroGrid.Client.Apps;

/// <summary>
/// A tenant's apps with their live status, from the control plane's API (Kubernetes conventions: list, then watch from
/// the list's resourceVersion). Enumerate <see cref="WatchAsync"/> until you cancel.
/// </summary>
/// <remarks>
/// Written by hand: the OpenAPI generators read a response whole, and a watch is a response that never ends.
/// </remarks>
public sealed class AppsClient
{
    private static readonly TimeSpan MaxRetry = TimeSpan.FromSeconds(30);
    private readonly HttpClient _http;
    private readonly Uri _api;
    private readonly Func<CancellationToken, ValueTask<string>> _token;
    private readonly TimeSpan _retry;

    /// <summary>A client for the API at <paramref name="apiServer"/>, calling as the signed-in person.</summary>
    public AppsClient(HttpClient http, Uri apiServer, TokenSource tokens)
        : this(http, apiServer, (tokens ?? throw new ArgumentNullException(nameof(tokens))).GetAccessTokenAsync)
    {
    }

    internal AppsClient(HttpClient http, Uri apiServer, Func<CancellationToken, ValueTask<string>> token, TimeSpan? retry = null)
    {
        _http = http ?? throw new ArgumentNullException(nameof(http));
        _api = apiServer ?? throw new ArgumentNullException(nameof(apiServer));
        _token = token;
        _retry = retry ?? TimeSpan.FromSeconds(1);
    }

    /// <summary>The tenant's apps now.</summary>
    /// <exception cref="AppsException">The API refused: not signed in (401), not allowed (403), no such tenant (404).</exception>
    public async Task<IReadOnlyList<AppState>> ListAsync(string tenant, CancellationToken cancellationToken = default) =>
        (await ListWithVersionAsync(tenant, cancellationToken)).Apps;

    /// <summary>
    /// Every app as <see cref="AppChangeType.Added"/>, then each change as it happens. A dropped connection is resumed
    /// where it was (with backoff, up to 30 s between tries); when the API no longer has the changes since then (410),
    /// the apps are listed again and the differences come as changes, so nothing is missed or told twice.
    /// </summary>
    /// <exception cref="AppsException">The API refused: not signed in (401), not allowed (403), no such tenant (404).</exception>
    public async IAsyncEnumerable<AppChange> WatchAsync(string tenant, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var known = new Dictionary<string, AppState>(StringComparer.Ordinal);
        string? resourceVersion = null;
        var retry = _retry;
        while (true)
        {
            if (resourceVersion is null)
            {
                IReadOnlyList<AppState> apps;
                try
                {
                    (apps, resourceVersion) = await ListWithVersionAsync(tenant, cancellationToken);
                }
                catch (HttpRequestException) when (!cancellationToken.IsCancellationRequested)
                {
                    retry = await BackOffAsync(retry, cancellationToken);
                    continue;
                }
                foreach (var change in Resync(known, apps))
                {
                    yield return change;
                }
            }
            var lines = WatchLinesAsync(tenant, resourceVersion, cancellationToken).GetAsyncEnumerator(cancellationToken);
            try
            {
                while (true)
                {
                    string line;
                    try
                    {
                        if (!await lines.MoveNextAsync())
                        {
                            break; // the server ended the watch (its timeout): resume from the last version
                        }
                        line = lines.Current;
                    }
                    catch (Exception e) when (e is HttpRequestException or IOException && !cancellationToken.IsCancellationRequested)
                    {
                        retry = await BackOffAsync(retry, cancellationToken);
                        break;
                    }
                    retry = _retry;
                    using var json = JsonDocument.Parse(line);
                    var type = json.RootElement.GetProperty("type").GetString();
                    var obj = json.RootElement.GetProperty("object");
                    if (type == "ERROR")
                    {
                        // 410 Gone: the changes since resourceVersion are compacted away; anything else is as good a reason.
                        resourceVersion = null;
                        break;
                    }
                    resourceVersion = obj.GetProperty("metadata").GetProperty("resourceVersion").GetString();
                    if (type == "BOOKMARK")
                    {
                        continue;
                    }
                    var app = AppState.From(obj);
                    if (type == "DELETED")
                    {
                        known.Remove(app.Name);
                        yield return new AppChange(AppChangeType.Deleted, app);
                    }
                    else
                    {
                        var added = known.TryAdd(app.Name, app);
                        known[app.Name] = app;
                        yield return new AppChange(added ? AppChangeType.Added : AppChangeType.Modified, app);
                    }
                }
            }
            finally
            {
                await lines.DisposeAsync();
            }
        }
    }

    /// <summary>Waits <paramref name="retry"/>; the next wait is twice as long, up to 30 s.</summary>
    private static async Task<TimeSpan> BackOffAsync(TimeSpan retry, CancellationToken cancellationToken)
    {
        await Task.Delay(retry, cancellationToken);
        return TimeSpan.FromTicks(Math.Min(MaxRetry.Ticks, retry.Ticks * 2));
    }

    /// <summary>What a fresh list changes in what the watcher knew.</summary>
    private static List<AppChange> Resync(Dictionary<string, AppState> known, IReadOnlyList<AppState> apps)
    {
        var changes = new List<AppChange>();
        var listed = apps.Select(app => app.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var gone in known.Values.Where(app => !listed.Contains(app.Name)).ToList())
        {
            known.Remove(gone.Name);
            changes.Add(new AppChange(AppChangeType.Deleted, gone));
        }
        foreach (var app in apps)
        {
            if (!known.TryGetValue(app.Name, out var before))
            {
                changes.Add(new AppChange(AppChangeType.Added, app));
            }
            else if (before.ResourceVersion != app.ResourceVersion)
            {
                changes.Add(new AppChange(AppChangeType.Modified, app));
            }
            known[app.Name] = app;
        }
        return changes;
    }

    private async Task<(IReadOnlyList<AppState> Apps, string ResourceVersion)> ListWithVersionAsync(string tenant, CancellationToken cancellationToken)
    {
        using var request = await RequestAsync(AppsUrl(tenant, ""), cancellationToken);
        using var response = await _http.SendAsync(request, cancellationToken);
        await ThrowIfRefusedAsync(response, cancellationToken);
        using var json = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
        var list = json.RootElement;
        return ([.. list.GetProperty("items").EnumerateArray().Select(AppState.From)],
            list.GetProperty("metadata").GetProperty("resourceVersion").GetString() ?? "");
    }

    private async IAsyncEnumerable<string> WatchLinesAsync(string tenant, string resourceVersion, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var query = $"?watch=true&allowWatchBookmarks=true&resourceVersion={Uri.EscapeDataString(resourceVersion)}";
        using var request = await RequestAsync(AppsUrl(tenant, query), cancellationToken);
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        await ThrowIfRefusedAsync(response, cancellationToken);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken));
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.Length > 0)
            {
                yield return line;
            }
        }
    }

    private async Task<HttpRequestMessage> RequestAsync(Uri url, CancellationToken cancellationToken)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await _token(cancellationToken));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return request;
    }

    /// <summary>4xx do not heal by retrying: the caller learns at once, with the API's own message. 5xx are retried as drops.</summary>
    private static async Task ThrowIfRefusedAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if ((int)response.StatusCode is >= 400 and < 500)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            throw new AppsException((int)response.StatusCode, StatusMessage(body) ?? $"{(int)response.StatusCode} {response.ReasonPhrase}");
        }
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new HttpRequestException($"the API answered {(int)response.StatusCode}", null, response.StatusCode);
        }
    }

    private static string? StatusMessage(string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            return json.RootElement.TryGetProperty("message", out var message) ? message.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private Uri AppsUrl(string tenant, string query) =>
        new(_api, $"apis/aerogrid.io/v1alpha1/namespaces/{Uri.EscapeDataString(tenant)}/apps{query}");
}
