using System.Net.Http.Headers;
using System.Text.Json;

namespace AeroGrid.Portal.Bff;

/// <summary>
/// The Data panel's reads: an app's grids and topics (listings, a grid's snapshot, their event streams) through the
/// gateway as the person, exactly as any other client reads them (openapi/gateway-apps.json). Always the app of the
/// session's tenant; the gateway checks the token as for any call. Streams pass through as they arrive, with the
/// browser's <c>Last-Event-ID</c>, so a reconnecting EventSource resumes where it was.
/// </summary>
internal sealed class AppData(IHttpClientFactory clients)
{
    private const string LastEventId = "Last-Event-ID";

    public async Task<IResult> ReadAsync(HttpContext http, string app, string path)
    {
        var session = BffFilter.SessionOf(http);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"apps/{session.Tenant}/{app}/{path}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", session.AccessToken);
        if (http.Request.Headers[LastEventId] is [{ Length: > 0 } lastEventId])
        {
            request.Headers.TryAddWithoutValidation(LastEventId, lastEventId);
        }
        HttpResponseMessage response;
        try
        {
            // Headers only: the timeout of the client covers the wait for the answer, not a stream that goes on.
            response = await clients.CreateClient(AppInvoker.HttpClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, http.RequestAborted);
        }
        catch (HttpRequestException)
        {
            return BffResults.Status(502, "BadGateway", "The gateway cannot be reached right now. Try again in a moment.");
        }
        catch (TaskCanceledException) when (!http.RequestAborted.IsCancellationRequested)
        {
            return BffResults.Status(504, "Timeout", $"{app} did not answer in time.");
        }
        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                return await RefusalAsync(response, app);
            }
            var contentType = response.Content.Headers.ContentType?.ToString() ?? "application/json";
            return await TextStream.CopyAsync(http, response.Content.ReadAsStreamAsync(http.RequestAborted), contentType);
        }
    }

    /// <summary>The gateway's or the app's <c>{"error", "message"}</c> as a Status, the one error shape the front end reads.</summary>
    private static async Task<IResult> RefusalAsync(HttpResponseMessage response, string app)
    {
        var code = (int)response.StatusCode;
        string? said = null;
        try
        {
            using var body = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync());
            said = body.RootElement.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.String ? message.GetString()
                : body.RootElement.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.String ? error.GetString()
                : null;
        }
        catch (JsonException)
        {
            // Not the gateway's shape: the status line says enough.
        }
        return code switch
        {
            502 or 503 => BffResults.Status(code, "ServiceUnavailable", $"{app} is not running, or not ready yet, so its data cannot be read. {said}".TrimEnd()),
            404 => BffResults.Status(code, "NotFound", said ?? $"{app} has no such grid or topic."),
            _ => BffResults.Status(code, response.ReasonPhrase ?? "Failure", said ?? $"The gateway answered {code}."),
        };
    }
}
