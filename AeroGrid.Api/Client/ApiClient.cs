using System.Net.Http.Headers;
using AeroGrid.Api.Meta;
using AeroGrid.Api.Resources;

namespace AeroGrid.Api.Client;

/// <summary>
/// A typed client for the AeroGrid API: the embedded control plane locally, kube-apiserver in a cluster.
/// Both follow the Kubernetes REST conventions, so one client serves both.
/// </summary>
/// <remarks>
/// Our own because the KubernetesClient package is not available here; it covers only what AeroGrid uses
/// (see DESIGN.md, "One API, two servers"), so a well-kept library can replace it where one is.
/// </remarks>
public sealed class ApiClient
{
    private readonly HttpClient _http;
    private readonly Func<CancellationToken, ValueTask<string?>> _token;

    /// <param name="http">
    /// Its <see cref="HttpClient.BaseAddress"/> is the API server's URL. Keep its timeout for ordinary
    /// requests: watch streams are read after the headers arrive, which the timeout does not cover.
    /// </param>
    /// <param name="token">
    /// Asked before every request for the bearer token (null: none), because tokens change: the
    /// Operator's are refreshed, a service account's is rotated in its file (see <see cref="TokenFromFile"/>).
    /// </param>
    public ApiClient(HttpClient http, Func<CancellationToken, ValueTask<string?>>? token = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(http.BaseAddress, nameof(http) + "." + nameof(HttpClient.BaseAddress));
        _http = http;
        _token = token ?? (_ => ValueTask.FromResult<string?>(null));
    }

    /// <summary>Apps of a tenant namespace.</summary>
    public ResourceClient<App> Apps => For<App>(ResourceDefinitions.App);

    /// <summary>Images (dependency environments) of a tenant namespace.</summary>
    public ResourceClient<Image> Images => For<Image>(ResourceDefinitions.Image);

    /// <summary>Revisions of a tenant's apps: what each served, newest kept; select one app's with <c>aerogrid.io/app=NAME</c>.</summary>
    public ResourceClient<Revision> Revisions => For<Revision>(ResourceDefinitions.Revision);

    /// <summary>Namespaces, one per tenant; cluster-scoped, so pass a null namespace.</summary>
    public ResourceClient<Namespace> Namespaces => For<Namespace>(ResourceDefinitions.Namespace);

    /// <summary>A client for the kind <paramref name="definition"/> describes, read and written as <typeparamref name="T"/>.</summary>
    public ResourceClient<T> For<T>(ResourceDefinition definition)
        where T : KubernetesObject
    {
        ArgumentNullException.ThrowIfNull(definition);
        return new ResourceClient<T>(this, definition);
    }

    /// <summary>A client for the kind whose CLR type is <typeparamref name="T"/>, one of <see cref="ResourceDefinitions.All"/>.</summary>
    public ResourceClient<T> Resource<T>()
        where T : KubernetesObject =>
        For<T>(ResourceDefinitions.All.SingleOrDefault(d => d.ClrType == typeof(T))
            ?? throw new InvalidOperationException($"{typeof(T).Name} is not a kind of the AeroGrid API."));

    /// <summary>
    /// A token source reading a file on every request, as a pod's projected service account token
    /// (<c>/var/run/secrets/kubernetes.io/serviceaccount/token</c>): the kubelet replaces the file
    /// before the token expires, so a cached copy would go stale.
    /// </summary>
    public static Func<CancellationToken, ValueTask<string?>> TokenFromFile(string path) =>
        async cancellationToken => (await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false)).Trim();

    /// <summary>
    /// Sends a request with the bearer token; a non-2xx response becomes an <see cref="ApiException"/>.
    /// The caller disposes the response.
    /// </summary>
    internal async Task<HttpResponseMessage> SendAsync(
        HttpMethod method,
        string pathAndQuery,
        HttpContent? content,
        HttpCompletionOption completion,
        CancellationToken cancellationToken)
    {
        // Relative to the base address, so a server behind a path prefix (a base address ending in /) works too.
        using var request = new HttpRequestMessage(method, new Uri(pathAndQuery.TrimStart('/'), UriKind.Relative)) { Content = content };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (await _token(cancellationToken).ConfigureAwait(false) is { Length: > 0 } token)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        var response = await _http.SendAsync(request, completion, cancellationToken).ConfigureAwait(false);
        if (response.IsSuccessStatusCode)
        {
            return response;
        }
        using (response)
        {
            throw await ApiErrors.FromResponseAsync(response, cancellationToken).ConfigureAwait(false);
        }
    }
}
