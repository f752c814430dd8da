using AeroGrid.Api.Meta;
using AeroGrid.Api.Serialization;

namespace AeroGrid.Portal.Bff;

/// <summary>Answers in the API's own shapes, so the front end reads one error format whoever refused.</summary>
internal static class BffResults
{
    public static IResult Json<T>(T value, int statusCode = 200) => Results.Json(value, ApiJson.Options, statusCode: statusCode);

    public static IResult Status(Status status) => Json(status, status.Code);

    public static IResult Status(int code, string reason, string message) =>
        Status(new Status { Outcome = "Failure", Code = code, Reason = reason, Message = message });
}
