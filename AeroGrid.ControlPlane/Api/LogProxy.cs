using System.Text.Json.Nodes;
using AeroGrid.Api.Resources;
using AeroGrid.ControlPlane.Storage;
using Microsoft.Extensions.Options;

namespace AeroGrid.ControlPlane.Api;

/// <summary>
/// The log subresources, streamed from whoever has the output: <c>apps/{name}/log</c> (the app's output) and
/// <c>images/{name}/log</c> (the build log) from the Operator that runs and builds them locally, and <c>pods/{name}/log</c>
/// from the kubelet of the pod's node, as kube-apiserver reads it.
/// </summary>
internal sealed class LogProxy(IHttpClientFactory clients, ResourceStore store, IOptions<ControlPlaneOptions> options)
{
    /// <summary>The client for kubelets, which serve HTTPS with their own certificates.</summary>
    public const string KubeletClient = "kubelet";

    /// <summary>The kinds with a <c>log</c> subresource.</summary>
    public static IReadOnlyList<ResourceDefinition> Kinds { get; } = [ResourceDefinitions.App, ResourceDefinitions.Image, ResourceDefinitions.Pod];

    /// <summary>The kubelet's query parameters of <c>pods/log</c>; <c>container</c> is in the path instead.</summary>
    private static readonly string[] KubeletParameters = ["follow", "previous", "sinceSeconds", "sinceTime", "tailLines", "timestamps", "limitBytes"];

    public Task<IResult> ReadAsync(HttpContext http, ResourceDefinition definition, string @namespace, string name) =>
        definition == ResourceDefinitions.Pod ? ReadPodLogAsync(http, @namespace, name) : ReadFromOperatorAsync(http);

    /// <summary>The Operator's answer to the same path and query. The caller's token goes along, so the Operator checks it too.</summary>
    private async Task<IResult> ReadFromOperatorAsync(HttpContext http)
    {
        if (options.Value.LogsUrl is not { } logs)
        {
            throw new ApiError(503, "ServiceUnavailable", "no operator serves logs here (ControlPlane:LogsUrl is not set)");
        }
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(logs, http.Request.Path + http.Request.QueryString));
        request.Headers.Authorization = System.Net.Http.Headers.AuthenticationHeaderValue.Parse(http.Request.Headers.Authorization.ToString());
        return await StreamAsync(http, clients.CreateClient(nameof(LogProxy)), request, "the operator that serves logs");
    }

    /// <summary><c>/containerLogs/{namespace}/{pod}/{container}</c> of the kubelet at the node's InternalIP and kubelet port.</summary>
    private async Task<IResult> ReadPodLogAsync(HttpContext http, string @namespace, string name)
    {
        var pod = await GetAsync(ResourceDefinitions.Pod, @namespace, name, http.RequestAborted) ?? throw ApiError.NotFound(ResourceDefinitions.Pod, name);
        var containers = (pod["spec"]?["containers"] as JsonArray ?? []).Select(c => c?["name"]?.GetValue<string>() ?? "").ToList();
        var container = http.Request.Query["container"].ToString() switch
        {
            "" when containers.Count == 1 => containers[0],
            "" => throw ApiError.BadRequest($"a container name must be specified for pod {name}, choose one of: [{string.Join(" ", containers)}]"),
            var named when containers.Contains(named) => named,
            var named => throw ApiError.BadRequest($"container {named} is not valid for pod {name}"),
        };
        var nodeName = pod["spec"]?["nodeName"]?.GetValue<string>()
            ?? throw ApiError.BadRequest($"container \"{container}\" in pod \"{name}\" is waiting to start: the pod is not scheduled to a node");
        var node = await GetAsync(ResourceDefinitions.Node, null, nodeName, http.RequestAborted)
            ?? throw new ApiError(503, "ServiceUnavailable", $"node {nodeName} of pod {name} is not registered");
        var address = (node["status"]?["addresses"] as JsonArray ?? [])
            .FirstOrDefault(a => a?["type"]?.GetValue<string>() == "InternalIP")?["address"]?.GetValue<string>();
        var port = node["status"]?["daemonEndpoints"]?["kubeletEndpoint"]?["Port"]?.GetValue<int>();
        if (address is null || port is null)
        {
            throw new ApiError(503, "ServiceUnavailable", $"node {nodeName} reports no InternalIP address and kubelet port");
        }
        var query = string.Join('&', KubeletParameters
            .Where(parameter => http.Request.Query.ContainsKey(parameter))
            .Select(parameter => $"{parameter}={Uri.EscapeDataString(http.Request.Query[parameter].ToString())}"));
        var path = $"/containerLogs/{Uri.EscapeDataString(@namespace)}/{Uri.EscapeDataString(name)}/{Uri.EscapeDataString(container)}";
        var target = new UriBuilder(Uri.UriSchemeHttps, address, port.Value, path) { Query = query }.Uri;
        using var request = new HttpRequestMessage(HttpMethod.Get, target);
        return await StreamAsync(http, clients.CreateClient(KubeletClient), request, $"the kubelet of node {nodeName}");
    }

    private async Task<JsonObject?> GetAsync(ResourceDefinition definition, string? @namespace, string name, CancellationToken cancellationToken) =>
        (await store.GetAsync(ResourceHandler.Key(definition, @namespace, name), cancellationToken))?.ToJson();

    private static async Task<IResult> StreamAsync(HttpContext http, HttpClient client, HttpRequestMessage request, string source)
    {
        HttpResponseMessage response;
        try
        {
            response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, http.RequestAborted);
        }
        catch (HttpRequestException e)
        {
            throw new ApiError(503, "ServiceUnavailable", $"{source} cannot be reached: {e.Message}");
        }
        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                throw new ApiError((int)response.StatusCode, response.StatusCode == System.Net.HttpStatusCode.NotFound ? "NotFound" : "InternalError",
                    await response.Content.ReadAsStringAsync(http.RequestAborted));
            }
            http.Response.ContentType = "text/plain; charset=utf-8";
            await using var body = await response.Content.ReadAsStreamAsync(http.RequestAborted);
            var buffer = new byte[16 * 1024];
            int read;
            while ((read = await body.ReadAsync(buffer, http.RequestAborted)) > 0)
            {
                await http.Response.Body.WriteAsync(buffer.AsMemory(0, read), http.RequestAborted);
                await http.Response.Body.FlushAsync(http.RequestAborted);
            }
        }
        return Results.Empty;
    }
}
