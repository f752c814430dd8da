using System.Net;
using System.Text.Json;
using AeroGrid.Api.Client;
using AeroGrid.Api.Resources;
using AeroGrid.Api.Serialization;
using k8s;
using k8s.Autorest;

namespace AeroGrid.Portal.Bff;

/// <summary>
/// <c>GET /bff/watch/apps</c>: the tenant's apps as Server-Sent Events, so the page stays current without polling.
/// First a <c>snapshot</c> (the list), then a <c>change</c> per watch event. After a gap the watch cannot bridge
/// (410 Gone) or a lost connection to the API, a fresh snapshot follows, so the page never misses a change.
/// </summary>
internal static partial class AppEvents
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    public static async Task StreamAsync(HttpContext http, PersonApi api, ILogger<PersonApi> logger)
    {
        var session = BffFilter.SessionOf(http);
        var apps = api.Client.Apps;
        var cancellationToken = http.RequestAborted;
        http.Response.ContentType = "text/event-stream";
        http.Response.Headers.CacheControl = "no-store";
        http.Response.Headers["X-Accel-Buffering"] = "no";
        await http.Response.Body.FlushAsync(cancellationToken);
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                try
                {
                    var list = await apps.ListAsync(session.Tenant, cancellationToken: cancellationToken);
                    await WriteAsync(http, "snapshot", list);
                    var resourceVersion = list.Metadata.ResourceVersion;
                    // A watch the server ends (its timeout) resumes from the last version seen, without a new snapshot.
                    while (!cancellationToken.IsCancellationRequested)
                    {
                        await foreach (var (type, app) in apps.WatchAsync(session.Tenant, resourceVersion, timeoutSeconds: 300, cancellationToken: cancellationToken))
                        {
                            resourceVersion = app.Metadata?.ResourceVersion ?? resourceVersion;
                            if (type == WatchEventType.Bookmark)
                            {
                                await http.Response.WriteAsync(": keep-alive\n\n", cancellationToken); // Keeps idle proxies from closing the stream.
                                await http.Response.Body.FlushAsync(cancellationToken);
                                continue;
                            }
                            // The wire's names (ADDED, MODIFIED, DELETED), which KubernetesClient's enum keeps only as EnumMember values.
                            await WriteAsync(http, "change", new { Type = type.ToString().ToUpperInvariant(), Object = app });
                        }
                    }
                }
                catch (Exception e) when (ApiErrors.StatusCodeOf(e) == HttpStatusCode.Gone)
                {
                    // Too far behind: list again.
                }
                catch (HttpOperationException e) when (e.Response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
                {
                    await WriteAsync(http, "failure", ApiErrors.StatusOf(e)); // The token ended: the page asks the person to sign in again.
                    return;
                }
                catch (Exception e) when (e is HttpRequestException or IOException or HttpOperationException or KubernetesException && !cancellationToken.IsCancellationRequested)
                {
                    LogWatchInterrupted(logger, session.Tenant, e.Message);
                    await Task.Delay(RetryDelay, cancellationToken);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The page closed.
        }
    }

    private static async Task WriteAsync<T>(HttpContext http, string name, T data)
    {
        await http.Response.WriteAsync($"event: {name}\ndata: {JsonSerializer.Serialize(data, ApiJson.Options)}\n\n", http.RequestAborted);
        await http.Response.Body.FlushAsync(http.RequestAborted);
    }

    [LoggerMessage(EventId = 5101, Level = LogLevel.Information, Message = "Watching the apps of {Tenant} was interrupted ({Reason}); listing again")]
    private static partial void LogWatchInterrupted(ILogger logger, string tenant, string reason);
}
