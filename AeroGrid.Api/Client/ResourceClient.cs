using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using AeroGrid.Api.Meta;
using AeroGrid.Api.Resources;
using k8s;
using k8s.Autorest;
using k8s.Models;
using KubernetesObject = AeroGrid.Api.Meta.KubernetesObject;
using WatchEventType = k8s.WatchEventType;

namespace AeroGrid.Api.Client;

/// <summary>
/// The verbs of one custom kind through KubernetesClient's <c>CustomObjects</c> API, typed: list, get, create,
/// replace, status replace, merge and JSON patch, delete, watch, and AeroGrid's <c>log</c> subresource.
/// A null namespace means all namespaces for list and watch. Refusals are KubernetesClient's
/// <see cref="HttpOperationException"/>; <see cref="ApiErrors.StatusOf"/> reads the server's Status from one.
/// </summary>
/// <remarks>
/// KubernetesClient's <c>GenericClient</c> has no status subresource, no selectors or paging, and watches only from now,
/// which an informer cannot use; this is the same thin layer with those.
/// </remarks>
public sealed class ResourceClient<T>
    where T : KubernetesObject
{
    private readonly IKubernetes _kubernetes;

    internal ResourceClient(IKubernetes kubernetes, ResourceDefinition definition)
    {
        _kubernetes = kubernetes;
        Definition = definition;
    }

    /// <summary>The kind this client reads and writes.</summary>
    public ResourceDefinition Definition { get; }

    private string Group => Definition.Group;
    private string Version => Definition.Version;
    private string Plural => Definition.Plural;

    /// <summary>
    /// One page of the collection. Pass <paramref name="limit"/> to page, then the previous page's
    /// <c>metadata.continue</c> as <paramref name="continueToken"/>. The pages are one snapshot, at the first page's resourceVersion.
    /// </summary>
    public Task<KubernetesList<T>> ListAsync(
        string? @namespace,
        string? labelSelector = null,
        int? limit = null,
        string? continueToken = null,
        CancellationToken cancellationToken = default) =>
        @namespace is null
            ? _kubernetes.CustomObjects.ListCustomObjectForAllNamespacesAsync<KubernetesList<T>>(
                Group, Version, Plural, continueParameter: continueToken, labelSelector: labelSelector, limit: limit, cancellationToken: cancellationToken)
            : _kubernetes.CustomObjects.ListNamespacedCustomObjectAsync<KubernetesList<T>>(
                Group, Version, @namespace, Plural, continueParameter: continueToken, labelSelector: labelSelector, limit: limit, cancellationToken: cancellationToken);

    /// <summary>The object; <see cref="HttpOperationException"/> with 404 when there is none.</summary>
    public Task<T> GetAsync(string @namespace, string name, CancellationToken cancellationToken = default) =>
        _kubernetes.CustomObjects.GetNamespacedCustomObjectAsync<T>(Group, Version, @namespace, Plural, name, cancellationToken);

    /// <summary>The object, or null when there is none.</summary>
    public async Task<T?> TryGetAsync(string @namespace, string name, CancellationToken cancellationToken = default)
    {
        try
        {
            return await GetAsync(@namespace, name, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>Creates the object in <c>metadata.namespace</c>; <c>metadata.generateName</c> works in place of a name.</summary>
    public Task<T> CreateAsync(T obj, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(obj);
        return _kubernetes.CustomObjects.CreateNamespacedCustomObjectAsync<T>(obj, Group, Version, NamespaceOf(obj), Plural, cancellationToken: cancellationToken);
    }

    /// <summary>
    /// Replaces the object (not its status). <c>metadata.resourceVersion</c> is the precondition: when the object
    /// changed since it was read, 409 with reason <c>Conflict</c>; read it again and retry.
    /// </summary>
    public Task<T> UpdateAsync(T obj, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(obj);
        return _kubernetes.CustomObjects.ReplaceNamespacedCustomObjectAsync<T>(obj, Group, Version, NamespaceOf(obj), Plural, NameOf(obj), cancellationToken: cancellationToken);
    }

    /// <summary>Replaces the object's status through the <c>status</c> subresource, with the same precondition as <see cref="UpdateAsync"/>.</summary>
    public Task<T> UpdateStatusAsync(T obj, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(obj);
        return _kubernetes.CustomObjects.ReplaceNamespacedCustomObjectStatusAsync<T>(obj, Group, Version, NamespaceOf(obj), Plural, NameOf(obj), cancellationToken: cancellationToken);
    }

    /// <summary>
    /// Patches the object, or its status with <paramref name="status"/>. A merge patch sets fields; a JSON patch
    /// can hold a <c>test</c> operation on <c>/metadata/resourceVersion</c> to act as a precondition.
    /// </summary>
    public Task<T> PatchAsync(
        string @namespace,
        string name,
        JsonNode patch,
        V1Patch.PatchType type,
        bool status = false,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(patch);
        var body = new V1Patch(patch.ToJsonString(), type);
        return status
            ? _kubernetes.CustomObjects.PatchNamespacedCustomObjectStatusAsync<T>(body, Group, Version, @namespace, Plural, name, cancellationToken: cancellationToken)
            : _kubernetes.CustomObjects.PatchNamespacedCustomObjectAsync<T>(body, Group, Version, @namespace, Plural, name, cancellationToken: cancellationToken);
    }

    /// <summary>
    /// Deletes the object. Returns it, with <c>metadata.deletionTimestamp</c> set, while finalizers hold it back;
    /// null when it is gone. 404 when there was none.
    /// </summary>
    public async Task<T?> DeleteAsync(string @namespace, string name, CancellationToken cancellationToken = default)
    {
        // The server answers with the object (kube-apiserver does for custom resources, also when it deleted it at once)
        // or with a Status of Success; only a deletionTimestamp says the object is still there.
        var body = await _kubernetes.CustomObjects.DeleteNamespacedCustomObjectAsync<JsonElement>(
            Group, Version, @namespace, Plural, name, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (body.ValueKind != JsonValueKind.Object || (body.TryGetProperty("kind", out var kind) && kind.ValueEquals("Status")))
        {
            return null;
        }
        var obj = KubernetesJson.Deserialize<T>(body);
        return obj?.Metadata.DeletionTimestamp is null ? null : obj;
    }

    /// <summary>
    /// Watches the collection: each change after <paramref name="resourceVersion"/> (the resourceVersion of a list,
    /// or of the last event seen), until the server ends the stream (after <paramref name="timeoutSeconds"/>)
    /// or <paramref name="cancellationToken"/> is cancelled. BOOKMARK events carry only a newer <c>metadata.resourceVersion</c>.
    /// </summary>
    /// <exception cref="KubernetesException">
    /// For an ERROR event, e.g. 410 (reason <c>Expired</c> or <c>Gone</c>) when the resourceVersion is too old: list again.
    /// An event that cannot be read ends the watch the same way, because skipping it would lose a change.
    /// </exception>
    /// <remarks>
    /// KubernetesClient reports an ERROR event, or an event it cannot read, to an <c>onError</c> callback and reads on;
    /// a caller that does not stop there misses changes silently. This ends the watch with that error instead.
    /// </remarks>
    public async IAsyncEnumerable<(WatchEventType Type, T Object)> WatchAsync(
        string? @namespace = null,
        string? resourceVersion = null,
        string? labelSelector = null,
        bool allowBookmarks = true,
        int? timeoutSeconds = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        Exception? failure = null;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        void OnError(Exception e)
        {
            failure ??= e;
            stop.Cancel();
        }
        var events = @namespace is null
            ? _kubernetes.CustomObjects.WatchListCustomObjectForAllNamespacesAsync(
                Group, Version, Plural, allowWatchBookmarks: allowBookmarks, labelSelector: labelSelector,
                resourceVersion: resourceVersion, timeoutSeconds: timeoutSeconds, onError: OnError, cancellationToken: stop.Token)
            : _kubernetes.CustomObjects.WatchListNamespacedCustomObjectAsync(
                Group, Version, @namespace, Plural, allowWatchBookmarks: allowBookmarks, labelSelector: labelSelector,
                resourceVersion: resourceVersion, timeoutSeconds: timeoutSeconds, onError: OnError, cancellationToken: stop.Token);
        await using var enumerator = events.GetAsyncEnumerator(stop.Token);
        while (true)
        {
            bool next;
            try
            {
                next = await enumerator.MoveNextAsync().ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (failure is not null && !cancellationToken.IsCancellationRequested)
            {
                next = false;
            }
            if (failure is not null)
            {
                throw failure as KubernetesException ?? new KubernetesException($"The watch of {Plural} sent an event that cannot be read: {failure.Message}", failure);
            }
            if (!next)
            {
                yield break;
            }
            var (type, obj) = enumerator.Current;
            yield return (type, KubernetesJson.Deserialize<T>((JsonElement)obj));
        }
    }

    /// <summary>
    /// The object's <c>log</c> subresource as text, read while the server writes it: with <paramref name="follow"/> the
    /// stream stays open for new output, as <c>kubectl logs -f</c>. Disposing the stream ends the request.
    /// </summary>
    /// <remarks>
    /// KubernetesClient has no call for a custom resource's subresource other than status and scale, so this sends the
    /// request on its connection, with its credentials, as its own calls do.
    /// </remarks>
    public async Task<Stream> OpenLogAsync(
        string @namespace, string name, bool follow = false, int? tailLines = null, CancellationToken cancellationToken = default)
    {
        var kubernetes = _kubernetes as Kubernetes
            ?? throw new NotSupportedException($"Reading logs needs a {nameof(Kubernetes)} connection.");
        var query = new List<string>();
        if (follow)
        {
            query.Add("follow=true");
        }
        if (tailLines is { } lines)
        {
            query.Add("tailLines=" + lines.ToString(CultureInfo.InvariantCulture));
        }
        var path = Definition.ObjectPath(@namespace, name).TrimStart('/') + "/log" + (query.Count > 0 ? "?" + string.Join('&', query) : "");
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(kubernetes.BaseUri, path));
        if (kubernetes.Credentials is { } credentials)
        {
            await credentials.ProcessHttpRequestAsync(request, cancellationToken).ConfigureAwait(false);
        }
        var response = await kubernetes.HttpClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            using (response)
            {
                var content = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
                throw new HttpOperationException($"Operation returned an invalid status code '{response.StatusCode}', response body {content}")
                {
                    Request = new HttpRequestMessageWrapper(request, ""),
                    Response = new HttpResponseMessageWrapper(response, content),
                };
            }
        }
        return await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
    }

    private string NamespaceOf(T obj) =>
        obj.Metadata.NamespaceProperty ?? throw new ArgumentException($"metadata.namespace is required for a {Definition.Kind}.", nameof(obj));

    private static string NameOf(T obj) =>
        obj.Metadata.Name ?? throw new ArgumentException("metadata.name is required to update.", nameof(obj));
}
