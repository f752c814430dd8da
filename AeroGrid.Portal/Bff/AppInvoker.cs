using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using AeroGrid.Portal.Sessions;

namespace AeroGrid.Portal.Bff;

/// <summary>What the request panel asks for: a call to one of the person's apps.</summary>
internal sealed record InvokeRequest(string Method, string Path, Dictionary<string, string>? Headers, string? Body);

/// <summary>What the app (or the gateway in front of it) answered.</summary>
internal sealed record InvokeResponse(int Status, string Reason, Dictionary<string, string> Headers, string Body, bool Truncated, double ElapsedMs);

/// <summary>
/// The request panel's call: through the gateway, as the person (their token), to <c>/apps/{tenant}/{app}{path}</c>,
/// exactly as any other client reaches the app. Whatever the gateway or app answers is reported, not thrown.
/// </summary>
internal sealed class AppInvoker(AppGateway gateway)
{
    /// <summary>Enough for any page of JSON a person reads in a panel; more is cut and marked truncated.</summary>
    private const int MaxResponseChars = 256 * 1024;

    /// <summary>A stream (Server-Sent Events) never ends: after this the panel shows what came so far.</summary>
    private static readonly TimeSpan BodyDeadline = TimeSpan.FromSeconds(5);

    private static readonly HashSet<string> Methods = new(StringComparer.Ordinal) { "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS" };

    // The Portal sets who is calling; the person chooses content headers only.
    private static readonly HashSet<string> ForbiddenHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Authorization", "Cookie", "Host", "Connection", "Transfer-Encoding", "Content-Length", "Upgrade", "Te", "Trailer", "Proxy-Authorization",
    };

    public async Task<IResult> InvokeAsync(InvokeRequest request, Session session, string app, CancellationToken cancellationToken)
    {
        if (Refusal(request) is { } refusal)
        {
            return BffResults.Status(400, "BadRequest", refusal);
        }
        var message = new HttpRequestMessage(new HttpMethod(request.Method), $"apps/{session.Tenant}/{app}{request.Path}");
        if (request.Body is { Length: > 0 } body)
        {
            message.Content = new StringContent(body, Encoding.UTF8);
            message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }
        foreach (var (name, value) in request.Headers ?? [])
        {
            if (!message.Headers.TryAddWithoutValidation(name, value) && message.Content is not null)
            {
                message.Content.Headers.Remove(name);
                message.Content.Headers.TryAddWithoutValidation(name, value);
            }
        }
        var started = Stopwatch.GetTimestamp();
        return await gateway.SendAsync(message, session, app, async response =>
        {
            var (text, truncated) = await ReadTextAsync(response.Content, cancellationToken);
            var headers = response.Headers.Concat(response.Content.Headers)
                .ToDictionary(h => h.Key.ToLowerInvariant(), h => string.Join(", ", h.Value), StringComparer.Ordinal);
            return BffResults.Json(new InvokeResponse(
                (int)response.StatusCode, response.ReasonPhrase ?? "", headers, text, truncated, Stopwatch.GetElapsedTime(started).TotalMilliseconds));
        }, cancellationToken);
    }

    private static string? Refusal(InvokeRequest request) =>
        !Methods.Contains(request.Method) ? $"The method must be one of {string.Join(", ", Methods)}."
        : request.Path is not ['/', ..] ? "The path must start with /."
        // Dot segments would be resolved before sending and could leave the app's prefix.
        : request.Path.Split('?')[0].Split('/').Any(s => Uri.UnescapeDataString(s) is "." or "..")
            ? "The path may not contain . or .. segments."
        : request.Path.Contains('#', StringComparison.Ordinal) || request.Path.Contains('\\', StringComparison.Ordinal) ? "The path may not contain # or \\."
        : (request.Headers ?? []).Keys.FirstOrDefault(ForbiddenHeaders.Contains) is { } header ? $"The header {header} is set by the Portal, not by the request."
        : null;

    private static async Task<(string Text, bool Truncated)> ReadTextAsync(HttpContent content, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(BodyDeadline);
        using var reader = new StreamReader(await content.ReadAsStreamAsync(cancellationToken), Encoding.UTF8);
        var buffer = new char[MaxResponseChars + 1];
        var total = 0;
        try
        {
            int read;
            while (total < buffer.Length && (read = await reader.ReadAsync(buffer.AsMemory(total), deadline.Token)) > 0)
            {
                total += read;
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (new string(buffer, 0, total), true);
        }
        return total > MaxResponseChars ? (new string(buffer, 0, MaxResponseChars), true) : (new string(buffer, 0, total), false);
    }
}
