using System.Net;
using System.Text.Json;
using AeroGrid.Api.Client;
using AeroGrid.Api.Meta;
using AeroGrid.Api.Resources;
using AeroGrid.Api.Serialization;

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
        var apps = api.For(session).Apps;
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
                        await foreach (var change in apps.WatchAsync(session.Tenant, resourceVersion, timeoutSeconds: 300, cancellationToken: cancellationToken))
                        {
                            resourceVersion = change.Object?.Metadata.ResourceVersion ?? resourceVersion;
                            if (change.Type == WatchEventType.Bookmark)
                            {
                                await http.Response.WriteAsync(": keep-alive\n\n", cancellationToken); // Keeps idle proxies from closing the stream.
                                await http.Response.Body.FlushAsync(cancellationToken);
                                continue;
                            }
                            await WriteAsync(http, "change", change);
                        }
                    }
                }
                catch (ApiException e) when (e.StatusCode == HttpStatusCode.Gone)
                {
                    // Too far behind: list again.
                }
                catch (ApiException e) when (e.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
                {
                    await WriteAsync(http, "failure", e.Status); // The token ended: the page asks the person to sign in again.
                    return;
                }
                catch (Exception e) when (e is HttpRequestException or IOException or ApiException && !cancellationToken.IsCancellationRequested)
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
