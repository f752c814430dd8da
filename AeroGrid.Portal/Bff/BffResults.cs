using AeroGrid.Api.Meta;
using AeroGrid.Api.Serialization;
using k8s.Models;

namespace AeroGrid.Portal.Bff;

/// <summary>Answers in the API's own shapes, so the front end reads one error format whoever refused.</summary>
internal static class BffResults
{
    public static IResult Json<T>(T value, int statusCode = 200) => Results.Json(value, ApiJson.Options, statusCode: statusCode);

    public static IResult Status(V1Status status) => Json(status, status.Code ?? StatusCodes.Status500InternalServerError);

    public static IResult Status(int code, string reason, string message) =>
        Status(new V1Status { ApiVersion = "v1", Kind = "Status", Status = "Failure", Code = code, Reason = reason, Message = message });
}
