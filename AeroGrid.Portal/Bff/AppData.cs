using System.Text.Json;

namespace AeroGrid.Portal.Bff;

/// <summary>
/// The Data panel's reads: an app's grids and topics (listings, a grid's snapshot, their event streams) through the
/// gateway as the person, exactly as any other client reads them (openapi/gateway-apps.json). Always the app of the
/// session's tenant; the gateway checks the token as for any call. Streams pass through as they arrive, with the
/// browser's <c>Last-Event-ID</c>, so a reconnecting EventSource resumes where it was.
/// </summary>
internal sealed class AppData(AppGateway gateway)
{
    private const string LastEventId = "Last-Event-ID";

    public Task<IResult> ReadAsync(HttpContext http, string app, string path)
    {
        var session = BffFilter.SessionOf(http);
        var request = new HttpRequestMessage(HttpMethod.Get, $"apps/{session.Tenant}/{app}/{path}");
        if (http.Request.Headers[LastEventId] is [{ Length: > 0 } lastEventId])
        {
            request.Headers.TryAddWithoutValidation(LastEventId, lastEventId);
        }
        return gateway.SendAsync(request, session, app, async response => response.IsSuccessStatusCode
            ? await TextStream.CopyAsync(http, response.Content.ReadAsStreamAsync(http.RequestAborted), response.Content.Headers.ContentType?.ToString() ?? "application/json")
            : await RefusalAsync(response, app), http.RequestAborted);
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
