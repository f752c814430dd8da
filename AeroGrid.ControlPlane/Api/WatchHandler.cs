using System.Text;
using System.Text.Json.Nodes;
using AeroGrid.Api.Meta;
using AeroGrid.Api.Resources;
using AeroGrid.ControlPlane.Storage;
using Microsoft.Extensions.Options;

namespace AeroGrid.ControlPlane.Api;

/// <summary>
/// <c>?watch=true</c>: a stream of newline-delimited <c>{"type", "object"}</c> events, resumable from a
/// resourceVersion, with bookmarks and a timeout, as Kubernetes serves it.
/// </summary>
internal sealed class WatchHandler(ResourceStore store, WatchHub hub, IOptions<ControlPlaneOptions> options)
{
    private static readonly byte[] NewLine = "\n"u8.ToArray();

    public async Task WatchAsync(HttpContext http, ResourceDefinition definition, string? @namespace)
    {
        var query = http.Request.Query;
        var selector = Selector.Parse(query["labelSelector"], query["fieldSelector"]);
        var from = ResourceHandler.ParseRevision(query["resourceVersion"]);
        var bookmarks = string.Equals(query["allowWatchBookmarks"], "true", StringComparison.OrdinalIgnoreCase);
        var timeout = int.TryParse(query["timeoutSeconds"], out var seconds) && seconds > 0
            ? TimeSpan.FromSeconds(seconds)
            : options.Value.DefaultWatchTimeout;

        using var subscription = hub.Subscribe(definition.Plural, @namespace);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted);
        stop.CancelAfter(timeout);
        var stream = new WatchStream(http, definition);
        await stream.StartAsync();

        long lastSent;
        if (from is null or 0)
        {
            // No version (or "any"): the current state as ADDED events first, then changes.
            var list = await store.ListAsync(definition.Plural, @namespace, null, item => selector.Matches(item.ToJson()), int.MaxValue, stop.Token);
            foreach (var item in list.Items)
            {
                await stream.WriteAsync(WatchEventType.Added, item.ToJson());
            }
            lastSent = list.Revision;
        }
        else
        {
            lastSent = from.Value;
        }

        try
        {
            if (lastSent < subscription.StartRevision)
            {
                foreach (var past in await store.ReadEventsAsync(definition.Plural, @namespace, lastSent, subscription.StartRevision, stop.Token))
                {
                    await WriteIfMatchingAsync(stream, selector, past);
                }
                lastSent = subscription.StartRevision;
            }
            await stream.FlushAsync();
            await FollowAsync(stream, subscription, selector, lastSent, bookmarks, stop.Token);
        }
        catch (StorageException e) when (e.Error == StorageError.Gone)
        {
            await stream.WriteErrorAsync(ApiError.Gone(e.Message));
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Timeout or client gone: the stream just ends, and a client re-watches from its last version.
        }
    }

    private async Task FollowAsync(WatchStream stream, WatchSubscription subscription, Selector selector, long lastSent, bool bookmarks, CancellationToken stop)
    {
        var events = subscription.Events;
        while (true)
        {
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(stop);
            if (bookmarks)
            {
                wait.CancelAfter(options.Value.BookmarkInterval);
            }
            try
            {
                if (!await events.WaitToReadAsync(wait.Token))
                {
                    return; // Dropped for falling behind; the client resumes from its last version.
                }
            }
            catch (OperationCanceledException) when (!stop.IsCancellationRequested)
            {
                // Read the version before checking the queue: once the queue is empty, everything up to it was sent.
                var revision = hub.LastRevision;
                if (events.Count == 0)
                {
                    lastSent = Math.Max(lastSent, revision);
                    await stream.WriteBookmarkAsync(lastSent);
                }
                continue;
            }
            while (events.TryRead(out var next))
            {
                if (next.Object.ResourceVersion > lastSent)
                {
                    await WriteIfMatchingAsync(stream, selector, next);
                    lastSent = next.Object.ResourceVersion;
                }
            }
            await stream.FlushAsync();
        }
    }

    /// <summary>
    /// Sends an event as a selector watch sees it, as kube-apiserver's watch cache does: an object that starts to match
    /// is ADDED, one that stops matching is DELETED (its last matching content at the event's resourceVersion).
    /// </summary>
    private static async Task WriteIfMatchingAsync(WatchStream stream, Selector selector, StoredEvent storedEvent)
    {
        var obj = storedEvent.Object.ToJson();
        if (selector == Selector.Everything)
        {
            await stream.WriteAsync(storedEvent.Type, obj);
            return;
        }
        var matches = selector.Matches(obj);
        var previous = storedEvent.Previous is { } json ? (JsonObject)JsonNode.Parse(json)! : null;
        var (matchesNow, matchedBefore) = storedEvent.Type switch
        {
            WatchEventType.Added => (matches, false),
            WatchEventType.Deleted => (false, matches),
            _ => (matches, previous is null ? matches : selector.Matches(previous)),
        };
        if (matchesNow)
        {
            await stream.WriteAsync(matchedBefore ? storedEvent.Type : WatchEventType.Added, obj);
        }
        else if (matchedBefore)
        {
            var gone = storedEvent.Type == WatchEventType.Deleted ? obj : previous!;
            gone["metadata"]!["resourceVersion"] = ResourceHandler.Revision(storedEvent.Object.ResourceVersion);
            await stream.WriteAsync(WatchEventType.Deleted, gone);
        }
    }

    /// <summary>The response body of one watch: JSON lines, as objects or as kubectl's one-row Tables.</summary>
    private sealed class WatchStream(HttpContext http, ResourceDefinition definition)
    {
        private readonly bool _table = TableConverter.IsRequested(http.Request);
        private bool _columnsSent;

        public Task StartAsync()
        {
            http.Response.StatusCode = 200;
            http.Response.ContentType = "application/json";
            http.Response.Headers.CacheControl = "no-cache";
            return http.Response.StartAsync(http.RequestAborted);
        }

        public Task WriteAsync(string type, JsonObject obj)
        {
            JsonNode payload = obj;
            if (_table)
            {
                payload = TableConverter.ToTable(definition, [obj], http.Request, includeColumns: !_columnsSent);
                _columnsSent = true;
            }
            return WriteLineAsync(new JsonObject { ["type"] = type, ["object"] = payload });
        }

        public async Task WriteBookmarkAsync(long revision)
        {
            await WriteLineAsync(new JsonObject
            {
                ["type"] = WatchEventType.Bookmark,
                ["object"] = new JsonObject
                {
                    ["kind"] = definition.Kind,
                    ["apiVersion"] = definition.ApiVersion,
                    ["metadata"] = new JsonObject { ["resourceVersion"] = ResourceHandler.Revision(revision) },
                },
            });
            await FlushAsync();
        }

        public async Task WriteErrorAsync(ApiError error)
        {
            await WriteLineAsync(new JsonObject
            {
                ["type"] = WatchEventType.Error,
                ["object"] = System.Text.Json.JsonSerializer.SerializeToNode(error.ToStatus(), AeroGrid.Api.Serialization.ApiJson.Options),
            });
            await FlushAsync();
        }

        public Task FlushAsync() => http.Response.Body.FlushAsync(http.RequestAborted);

        private async Task WriteLineAsync(JsonObject line)
        {
            await http.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(line.ToJsonString()), http.RequestAborted);
            await http.Response.Body.WriteAsync(NewLine, http.RequestAborted);
        }
    }
}
