using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using AeroGrid.Api.Meta;
using AeroGrid.Api.Resources;
using AeroGrid.Api.Serialization;

namespace AeroGrid.Api.Client;

/// <summary>
/// The REST verbs of one kind: list, get, create, update, status update, patch, delete and watch.
/// A null namespace means all namespaces for list and watch, and no namespace for cluster-scoped kinds.
/// </summary>
public sealed class ResourceClient<T>
    where T : KubernetesObject
{
    private readonly ApiClient _api;

    internal ResourceClient(ApiClient api, ResourceDefinition definition)
    {
        _api = api;
        Definition = definition;
    }

    /// <summary>The kind this client reads and writes.</summary>
    public ResourceDefinition Definition { get; }

    /// <summary>
    /// One page of the collection. Pass <paramref name="limit"/> to page, then the previous page's
    /// <see cref="ListMeta.Continue"/> as <paramref name="continueToken"/>. Every page reports the first page's resourceVersion;
    /// a watch from it delivers whatever changed meanwhile (kube-apiserver also makes the pages one snapshot; the local server does not).
    /// </summary>
    public async Task<ResourceList<T>> ListAsync(
        string? @namespace,
        string? labelSelector = null,
        int? limit = null,
        string? continueToken = null,
        CancellationToken cancellationToken = default)
    {
        var path = Query.Append(
            Definition.CollectionPath(@namespace),
            ("labelSelector", labelSelector),
            ("limit", limit?.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("continue", continueToken));
        return await SendAsync<ResourceList<T>>(HttpMethod.Get, path, null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The object; <see cref="ApiException"/> with 404 when there is none.</summary>
    public Task<T> GetAsync(string? @namespace, string name, CancellationToken cancellationToken = default) =>
        SendAsync<T>(HttpMethod.Get, Definition.ObjectPath(@namespace, name), null, cancellationToken);

    /// <summary>The object, or null when there is none.</summary>
    public async Task<T?> TryGetAsync(string? @namespace, string name, CancellationToken cancellationToken = default)
    {
        try
        {
            return await GetAsync(@namespace, name, cancellationToken).ConfigureAwait(false);
        }
        catch (ApiException e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>Creates the object in <c>metadata.namespace</c>; <c>metadata.generateName</c> works in place of a name.</summary>
    public Task<T> CreateAsync(T obj, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(obj);
        return SendAsync<T>(HttpMethod.Post, Definition.CollectionPath(NamespaceOf(obj)), Json(obj), cancellationToken);
    }

    /// <summary>
    /// Replaces the object (not its status). <c>metadata.resourceVersion</c> is the precondition:
    /// when the object changed since it was read, <see cref="ApiException"/> with 409 and reason <c>Conflict</c>;
    /// read it again and retry.
    /// </summary>
    public Task<T> UpdateAsync(T obj, CancellationToken cancellationToken = default) =>
        ReplaceAsync(obj, subresource: "", cancellationToken);

    /// <summary>Replaces the object's status through the <c>status</c> subresource, with the same precondition as <see cref="UpdateAsync"/>.</summary>
    public Task<T> UpdateStatusAsync(T obj, CancellationToken cancellationToken = default) =>
        ReplaceAsync(obj, subresource: "/status", cancellationToken);

    /// <summary>
    /// Patches the object, or its status with <paramref name="status"/>. A merge patch sets fields; a JSON patch
    /// can hold a <c>test</c> operation on <c>/metadata/resourceVersion</c> to act as a precondition.
    /// </summary>
    public Task<T> PatchAsync(
        string? @namespace,
        string name,
        JsonNode patch,
        PatchType type,
        bool status = false,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(patch);
        var mediaType = type switch
        {
            PatchType.Merge => "application/merge-patch+json",
            PatchType.Json => "application/json-patch+json",
            _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
        };
        var content = new StringContent(patch.ToJsonString(ApiJson.Options));
        content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        var path = Definition.ObjectPath(@namespace, name) + (status ? "/status" : "");
        return SendAsync<T>(HttpMethod.Patch, path, content, cancellationToken);
    }

    /// <summary>
    /// Deletes the object. Returns it, with <c>metadata.deletionTimestamp</c> set, while finalizers hold it back;
    /// null when it is gone. <see cref="ApiException"/> with 404 when there was none.
    /// </summary>
    public async Task<T?> DeleteAsync(string? @namespace, string name, CancellationToken cancellationToken = default)
    {
        using var response = await _api.SendAsync(
            HttpMethod.Delete, Definition.ObjectPath(@namespace, name), null, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        // The server answers with the object (kube-apiserver does for custom resources, also when it deleted it at once)
        // or with a Status of Success; only a deletionTimestamp says the object is still there.
        var body = await response.Content.ReadFromJsonAsync<JsonObject>(ApiJson.Options, cancellationToken).ConfigureAwait(false);
        if (body is null || body["kind"]?.GetValue<string>() == "Status")
        {
            return null;
        }
        var obj = body.Deserialize<T>(ApiJson.Options);
        return obj?.Metadata.DeletionTimestamp is null ? null : obj;
    }

    /// <summary>
    /// Watches the collection: each change after <paramref name="resourceVersion"/> (the resourceVersion of a list,
    /// or of the last event seen) as an event, until the server ends the stream (after <paramref name="timeoutSeconds"/>)
    /// or <paramref name="cancellationToken"/> is cancelled. Without a resourceVersion the server starts with
    /// synthetic ADDED events for what exists. BOOKMARK events carry only a newer <c>metadata.resourceVersion</c>.
    /// </summary>
    /// <exception cref="ApiException">
    /// For an ERROR event: 410 (reason <c>Expired</c> or <c>Gone</c>) when the resourceVersion is too old, so list again.
    /// </exception>
    public async IAsyncEnumerable<WatchEvent<T>> WatchAsync(
        string? @namespace = null,
        string? resourceVersion = null,
        string? labelSelector = null,
        bool allowBookmarks = true,
        int? timeoutSeconds = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var path = Query.Append(
            Definition.CollectionPath(@namespace),
            ("watch", "true"),
            ("resourceVersion", resourceVersion),
            ("labelSelector", labelSelector),
            ("allowWatchBookmarks", allowBookmarks ? "true" : null),
            ("timeoutSeconds", timeoutSeconds?.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        using var response = await _api.SendAsync(
            HttpMethod.Get, path, null, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            await foreach (var e in WatchStream.ReadAsync<T>(stream, cancellationToken).ConfigureAwait(false))
            {
                yield return e;
            }
        }
    }

    /// <summary>
    /// The object's <c>log</c> subresource as text, read while the server writes it: with <paramref name="follow"/> the
    /// stream stays open for new output, as <c>kubectl logs -f</c>. Disposing the stream ends the request.
    /// </summary>
    public async Task<Stream> OpenLogAsync(
        string? @namespace, string name, bool follow = false, int? tailLines = null, CancellationToken cancellationToken = default)
    {
        var path = Query.Append(
            Definition.ObjectPath(@namespace, name) + "/log",
            ("follow", follow ? "true" : null),
            ("tailLines", tailLines?.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        var response = await _api.SendAsync(HttpMethod.Get, path, null, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        return await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
    }

    private Task<T> ReplaceAsync(T obj, string subresource, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var name = obj.Metadata.Name ?? throw new ArgumentException("metadata.name is required to update.", nameof(obj));
        return SendAsync<T>(HttpMethod.Put, Definition.ObjectPath(NamespaceOf(obj), name) + subresource, Json(obj), cancellationToken);
    }

    private string? NamespaceOf(T obj) =>
        !Definition.Namespaced ? null
        : obj.Metadata.Namespace ?? throw new ArgumentException($"metadata.namespace is required for a {Definition.Kind}.", nameof(obj));

    private static ByteArrayContent Json(T obj)
    {
        var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(obj, ApiJson.Options));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    private async Task<TBody> SendAsync<TBody>(HttpMethod method, string path, HttpContent? content, CancellationToken cancellationToken)
    {
        using var response = await _api.SendAsync(method, path, content, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        return await response.Content.ReadFromJsonAsync<TBody>(ApiJson.Options, cancellationToken).ConfigureAwait(false)
            ?? throw new JsonException($"{method} {path}: the response has no body.");
    }
}
