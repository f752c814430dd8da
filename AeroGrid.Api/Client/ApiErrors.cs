using System.Net;
using System.Text.Json;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace AeroGrid.Api.Client;

/// <summary>The server's Status in KubernetesClient's exceptions, which carry only the response text.</summary>
public static class ApiErrors
{
    private const int MaxBodyInMessage = 512;

    /// <summary>The HTTP code of a refusal: of the response, or of the Status of a watch's ERROR event.</summary>
    public static HttpStatusCode? StatusCodeOf(Exception e) => e switch
    {
        HttpOperationException { Response: { } response } => response.StatusCode,
        KubernetesException { Status.Code: { } code } => (HttpStatusCode)code,
        _ => null,
    };

    /// <summary>
    /// The response's Status object. A proxy, a load balancer or a crashed server may answer with HTML or nothing at
    /// all; callers still get a Status with a reason they can branch on, as client-go does.
    /// </summary>
    public static V1Status StatusOf(HttpOperationException e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var code = e.Response?.StatusCode ?? HttpStatusCode.InternalServerError;
        var body = e.Response?.Content ?? "";
        if (TryParseStatus(body) is { } status)
        {
            status.Code ??= (int)code;
            return status;
        }
        var request = e.Request is { } r ? $"{r.Method} {r.RequestUri?.AbsolutePath}: " : "";
        var excerpt = body.Length > MaxBodyInMessage ? body[..MaxBodyInMessage] + "..." : body;
        return new V1Status
        {
            ApiVersion = "v1",
            Kind = "Status",
            Status = "Failure",
            Code = (int)code,
            Reason = ReasonFor(code),
            Message = $"{request}{(int)code} {e.Response?.ReasonPhrase}{(excerpt.Length > 0 ? ": " + excerpt.Trim() : "")}",
        };
    }

    /// <summary>The body's Status object, if it is one: <c>kind</c> says so.</summary>
    private static V1Status? TryParseStatus(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement is { ValueKind: JsonValueKind.Object } root
                && root.TryGetProperty("kind", out var kind) && kind.ValueEquals("Status")
                ? KubernetesJson.Deserialize<V1Status>(root)
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The reason words of Kubernetes' <c>metav1.StatusReason</c> for plain HTTP codes.</summary>
    private static string ReasonFor(HttpStatusCode code) => code switch
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
