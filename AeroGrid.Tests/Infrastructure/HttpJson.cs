using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace AeroGrid.Tests.Infrastructure;

/// <summary>Raw HTTP calls with JSON bodies, for tests of the REST conventions themselves.</summary>
internal static class HttpJson
{
    public static async Task<(HttpStatusCode Status, JsonObject Body)> SendAsync(
        this HttpClient http, HttpMethod method, string path, JsonNode? body = null, string contentType = "application/json")
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        }
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? [] : (JsonObject)JsonNode.Parse(text)!);
    }

    public static Task<(HttpStatusCode Status, JsonObject Body)> GetJsonAsync(this HttpClient http, string path) =>
        http.SendAsync(HttpMethod.Get, path);

    public static Task<(HttpStatusCode Status, JsonObject Body)> PostJsonAsync(this HttpClient http, string path, JsonNode body) =>
        http.SendAsync(HttpMethod.Post, path, body);

    public static Task<(HttpStatusCode Status, JsonObject Body)> PutJsonAsync(this HttpClient http, string path, JsonNode body) =>
        http.SendAsync(HttpMethod.Put, path, body);

    public static Task<(HttpStatusCode Status, JsonObject Body)> MergePatchAsync(this HttpClient http, string path, JsonNode patch) =>
        http.SendAsync(HttpMethod.Patch, path, patch, "application/merge-patch+json");

    public static Task<(HttpStatusCode Status, JsonObject Body)> DeleteJsonAsync(this HttpClient http, string path) =>
        http.SendAsync(HttpMethod.Delete, path);

    /// <summary>The value at a dotted path; a number segment indexes an array (<c>spec.files.0.path</c>).</summary>
    public static string? Str(this JsonNode? node, string path)
    {
        foreach (var segment in path.Split('.'))
        {
            node = node is JsonArray array && int.TryParse(segment, System.Globalization.CultureInfo.InvariantCulture, out var index)
                ? (index < array.Count ? array[index] : null)
                : node?[segment];
        }
        return node?.ToString();
    }
}
