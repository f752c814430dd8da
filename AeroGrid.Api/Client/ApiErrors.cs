using System.Net;
using System.Text.Json;
using AeroGrid.Api.Meta;
using AeroGrid.Api.Serialization;

namespace AeroGrid.Api.Client;

/// <summary>Turns an error response into an <see cref="ApiException"/>.</summary>
internal static class ApiErrors
{
    private const int MaxBodyInMessage = 512;

    public static async Task<ApiException> FromResponseAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        var status = TryParseStatus(body) is { } parsed
            ? parsed with { Code = parsed.Code > 0 ? parsed.Code : (int)response.StatusCode }
            : Describe(response, body);
        return new ApiException(status);
    }

    /// <summary>The body's Status object, if it is one: <c>kind</c> says so (the record's default would not).</summary>
    internal static Status? TryParseStatus(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement is { ValueKind: JsonValueKind.Object } root
                && root.TryGetProperty("kind", out var kind) && kind.ValueEquals("Status")
                ? root.Deserialize<Status>(ApiJson.Options)
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// A proxy, a load balancer or a crashed server may answer with HTML or nothing at all;
    /// callers still get a Status with a reason they can branch on, as client-go does.
    /// </summary>
    private static Status Describe(HttpResponseMessage response, string body)
    {
        var code = (int)response.StatusCode;
        var request = response.RequestMessage is { } r ? $"{r.Method} {r.RequestUri?.AbsolutePath}: " : "";
        var excerpt = body.Length > MaxBodyInMessage ? body[..MaxBodyInMessage] + "..." : body;
        return new Status
        {
            Outcome = "Failure",
            Code = code,
            Reason = ReasonFor(response.StatusCode),
            Message = $"{request}{code} {response.ReasonPhrase}{(excerpt.Length > 0 ? ": " + excerpt.Trim() : "")}",
        };
    }

    /// <summary>The reason words of Kubernetes' <c>metav1.StatusReason</c> for plain HTTP codes.</summary>
    internal static string ReasonFor(HttpStatusCode code) => code switch
    {
        HttpStatusCode.BadRequest => "BadRequest",
        HttpStatusCode.Unauthorized => "Unauthorized",
        HttpStatusCode.Forbidden => "Forbidden",
        HttpStatusCode.NotFound => "NotFound",
        HttpStatusCode.MethodNotAllowed => "MethodNotAllowed",
        HttpStatusCode.NotAcceptable => "NotAcceptable",
        HttpStatusCode.Conflict => "Conflict",
        HttpStatusCode.Gone => "Gone",
        HttpStatusCode.RequestEntityTooLarge => "RequestEntityTooLarge",
        HttpStatusCode.UnsupportedMediaType => "UnsupportedMediaType",
        HttpStatusCode.UnprocessableEntity => "Invalid",
        HttpStatusCode.TooManyRequests => "TooManyRequests",
        HttpStatusCode.ServiceUnavailable => "ServiceUnavailable",
        HttpStatusCode.GatewayTimeout => "Timeout",
        _ => (int)code >= 500 ? "InternalError" : "Unknown",
    };
}
