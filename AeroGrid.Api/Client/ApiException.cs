using System.Net;
using AeroGrid.Api.Meta;

namespace AeroGrid.Api.Client;

/// <summary>
/// The API refused a request: a non-2xx response, or an ERROR event of a watch stream.
/// Carries the server's <see cref="Meta.Status"/> object.
/// </summary>
public sealed class ApiException : Exception
{
    /// <summary>Wraps a <see cref="Meta.Status"/> the server sent, or one the client built for a response that had none.</summary>
    public ApiException(Status status)
        : base(status.Message ?? $"{status.Code} {status.Reason}")
    {
        Status = status;
    }

    /// <summary>The Status object; <see cref="Meta.Status.Details"/> names the object and the invalid fields.</summary>
    public Status Status { get; }

    /// <summary>The HTTP status code, e.g. 404, 409, or 410 when a watch's resourceVersion is too old.</summary>
    public HttpStatusCode StatusCode => (HttpStatusCode)Status.Code;

    /// <summary>The machine-readable reason, e.g. <c>NotFound</c>, <c>Conflict</c>, <c>Invalid</c>, <c>Expired</c>.</summary>
    public string? Reason => Status.Reason;
}
