using AeroGrid.Api.Resources;
using Microsoft.Extensions.Options;

namespace AeroGrid.ControlPlane.Api;

/// <summary>
/// <c>GET .../apps/{name}/log</c> (the app's output) and <c>GET .../images/{name}/log</c> (the image's build log),
/// read from the Operator that runs and builds them, as kube-apiserver reads <c>pods/log</c> from the kubelet.
/// The caller's token goes along, so the Operator checks it too.
/// </summary>
internal sealed class LogProxy(IHttpClientFactory clients, IOptions<ControlPlaneOptions> options)
{
    /// <summary>The kinds with a <c>log</c> subresource.</summary>
    public static IReadOnlyList<ResourceDefinition> Kinds { get; } = [ResourceDefinitions.App, ResourceDefinitions.Image];

    /// <summary>Streams the Operator's answer to the same path and query.</summary>
    public async Task<IResult> ReadAsync(HttpContext http)
    {
        if (options.Value.LogsUrl is not { } logs)
        {
            throw new ApiError(503, "ServiceUnavailable", "no operator serves logs here (ControlPlane:LogsUrl is not set)");
        }
        var client = clients.CreateClient(nameof(LogProxy));
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(logs, http.Request.Path + http.Request.QueryString));
        request.Headers.Authorization = System.Net.Http.Headers.AuthenticationHeaderValue.Parse(http.Request.Headers.Authorization.ToString());
        HttpResponseMessage response;
        try
        {
            response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, http.RequestAborted);
        }
        catch (HttpRequestException e)
        {
            throw new ApiError(503, "ServiceUnavailable", $"the operator that serves logs cannot be reached: {e.Message}");
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
