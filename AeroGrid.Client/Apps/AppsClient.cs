using System.Net;
using System.Runtime.CompilerServices;
using System.Text.Json;
using AeroGrid.Client.Generated.ControlPlane;
using AeroGrid.Client.Generated.ControlPlane.Apis.AerogridIo.V1alpha1.Namespaces.Item.Apps;
using AeroGrid.Client.Generated.ControlPlane.Models.Aerogrid.V1alpha1;
using AeroGrid.Client.Http;
using AeroGrid.Client.SignIn;
using Microsoft.Kiota.Abstractions;
using Microsoft.Kiota.Http.HttpClientLibrary;
using Microsoft.Kiota.Serialization.Json;
using Status = AeroGrid.Client.Generated.ControlPlane.Models.K8s.Apimachinery.Pkg.Apis.Meta.V1.Status;

namespace AeroGrid.Client.Apps;

/// <summary>
/// A tenant's apps with their live status, from the control plane's API (Kubernetes conventions: list, then watch from
/// the list's resourceVersion). Enumerate <see cref="WatchAsync"/> until you cancel.
/// </summary>
/// <remarks>
/// Requests and objects are the client Kiota generates from the API's OpenAPI document; the watch's reading is written
/// by hand, because a generated client reads a response whole and a watch is a response that never ends.
/// </remarks>
public sealed class AppsClient
{
    private static readonly TimeSpan MaxRetry = TimeSpan.FromSeconds(30);
    private readonly HttpClient _http;
    private readonly HttpClientRequestAdapter _adapter;
    private readonly ControlPlaneApi _api;
    private readonly TimeSpan _retry;

    /// <summary>A client for the API at <paramref name="apiServer"/>, calling as the signed-in person.</summary>
    public AppsClient(HttpClient http, Uri apiServer, TokenSource tokens)
        : this(http, apiServer, (tokens ?? throw new ArgumentNullException(nameof(tokens))).GetAccessTokenAsync)
    {
    }

    internal AppsClient(HttpClient http, Uri apiServer, Func<CancellationToken, ValueTask<string>> token, TimeSpan? retry = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(apiServer);
        _http = http;
        _adapter = RequestAdapters.Create(http, apiServer, token);
        _api = new ControlPlaneApi(_adapter);
        _retry = retry ?? TimeSpan.FromSeconds(1);
    }

    /// <summary>The tenant's apps now.</summary>
    /// <exception cref="AppsException">The API refused: not signed in (401), not allowed (403), no such tenant (404).</exception>
    public async Task<IReadOnlyList<AppState>> ListAsync(string tenant, CancellationToken cancellationToken = default) =>
        (await ListWithVersionAsync(tenant, cancellationToken).ConfigureAwait(false)).Apps;

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
                    (apps, resourceVersion) = await ListWithVersionAsync(tenant, cancellationToken).ConfigureAwait(false);
                }
                catch (HttpRequestException) when (!cancellationToken.IsCancellationRequested)
                {
                    retry = await BackOffAsync(retry, cancellationToken).ConfigureAwait(false);
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
                        if (!await lines.MoveNextAsync().ConfigureAwait(false))
                        {
                            break; // the server ended the watch (its timeout): resume from the last version
                        }
                        line = lines.Current;
                    }
                    catch (Exception e) when (e is HttpRequestException or IOException && !cancellationToken.IsCancellationRequested)
                    {
                        retry = await BackOffAsync(retry, cancellationToken).ConfigureAwait(false);
                        break;
                    }
                    using var json = JsonDocument.Parse(line);
                    var watchEvent = new JsonParseNode(json.RootElement);
                    var type = watchEvent.GetChildNode("type")?.GetStringValue();
                    if (type == "ERROR")
                    {
                        // 410 Gone: the changes since resourceVersion are compacted away, list again now. Any other error
                        // is as good a reason to list again, after a pause, so an API that keeps failing is not hammered.
                        if (watchEvent.GetChildNode("object")?.GetObjectValue(Status.CreateFromDiscriminatorValue).Code != (int)HttpStatusCode.Gone)
                        {
                            retry = await BackOffAsync(retry, cancellationToken).ConfigureAwait(false);
                        }
                        resourceVersion = null;
                        break;
                    }
                    retry = _retry;
                    var app = AppState.From(watchEvent.GetChildNode("object")?.GetObjectValue(App.CreateFromDiscriminatorValue) ?? new App());
                    resourceVersion = app.ResourceVersion;
                    if (type == "BOOKMARK")
                    {
                        continue;
                    }
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
                await lines.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>Waits <paramref name="retry"/>; the next wait is twice as long, up to 30 s.</summary>
    private static async Task<TimeSpan> BackOffAsync(TimeSpan retry, CancellationToken cancellationToken)
    {
        await Task.Delay(retry, cancellationToken).ConfigureAwait(false);
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
        AppList? list;
        try
        {
            list = await Apps(tenant).GetAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (ApiException e) when (e.ResponseStatusCode is >= 400 and < 500)
        {
            throw Refusal(e.ResponseStatusCode, (e as Status)?.Message);
        }
        catch (ApiException e)
        {
            throw new HttpRequestException($"the API answered {e.ResponseStatusCode}", e, (HttpStatusCode)e.ResponseStatusCode);
        }
        return ([.. (list?.Items ?? []).Select(AppState.From)], list?.Metadata?.ResourceVersion ?? "");
    }

    private async IAsyncEnumerable<string> WatchLinesAsync(string tenant, string resourceVersion, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var watch = Apps(tenant).ToGetRequestInformation(request =>
        {
            request.QueryParameters.Watch = true;
            request.QueryParameters.AllowWatchBookmarks = true;
            request.QueryParameters.ResourceVersion = resourceVersion;
        });
        // The adapter sets the base address on the requests it sends itself; this one is sent here, to be read as a stream.
        watch.PathParameters["baseurl"] = _adapter.BaseUrl!;
        using var request = await _adapter.ConvertToNativeRequestAsync<HttpRequestMessage>(watch, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException("the request adapter made no request");
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if ((int)response.StatusCode is >= 400 and < 500)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            throw Refusal((int)response.StatusCode, StatusMessage(body));
        }
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new HttpRequestException($"the API answered {(int)response.StatusCode}", null, response.StatusCode);
        }
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false));
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            if (line.Length > 0)
            {
                yield return line;
            }
        }
    }

    private AppsRequestBuilder Apps(string tenant) => _api.Apis.AerogridIo.V1alpha1.Namespaces[tenant].Apps;

    /// <summary>4xx do not heal by retrying: the caller learns at once, with the API's own message. 5xx are retried as drops.</summary>
    private static AppsException Refusal(int statusCode, string? message) =>
        new(statusCode, string.IsNullOrEmpty(message) ? $"the API answered {statusCode}" : message);

    private static string? StatusMessage(string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            return new JsonParseNode(json.RootElement).GetObjectValue(Status.CreateFromDiscriminatorValue).Message;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
