using AeroGrid.Api.Meta;
using AeroGrid.Api.Resources;
using AeroGrid.Api.Serialization;
using AeroGrid.Api.Validation;

namespace AeroGrid.ControlPlane.Api;

/// <summary>A refused request; the endpoint filter turns it into a Kubernetes <c>Status</c> response.</summary>
internal sealed class ApiError(int code, string reason, string message, StatusDetails? details = null) : Exception(message)
{
    public int Code { get; } = code;
    public string Reason { get; } = reason;
    public StatusDetails? Details { get; } = details;

    public Status ToStatus() => new() { Outcome = "Failure", Code = Code, Reason = Reason, Message = Message, Details = Details };

    public IResult ToResult() => Results.Json(ToStatus(), ApiJson.Options, statusCode: Code);

    public static ApiError BadRequest(string message) => new(400, "BadRequest", message);

    public static ApiError Unauthorized(string message) => new(401, "Unauthorized", message);

    public static ApiError Forbidden(ResourceDefinition definition, string subject, string verb, string? @namespace) =>
        new(403, "Forbidden",
            $"{Qualified(definition)} is forbidden: User \"{subject}\" cannot {verb} resource \"{definition.Plural}\" in API group \"{definition.Group}\""
            + (@namespace is null ? " at the cluster scope" : $" in the namespace \"{@namespace}\""),
            new() { Group = definition.Group, Kind = definition.Plural });

    public static ApiError NotFound(ResourceDefinition definition, string name) =>
        new(404, "NotFound", $"{Qualified(definition)} \"{name}\" not found",
            new() { Name = name, Group = definition.Group, Kind = definition.Plural });

    public static ApiError AlreadyExists(ResourceDefinition definition, string name) =>
        new(409, "AlreadyExists", $"{Qualified(definition)} \"{name}\" already exists",
            new() { Name = name, Group = definition.Group, Kind = definition.Plural });

    public static ApiError Conflict(ResourceDefinition definition, string name) =>
        new(409, "Conflict",
            $"Operation cannot be fulfilled on {Qualified(definition)} \"{name}\": the object has been modified; please apply your changes to the latest version and try again",
            new() { Name = name, Group = definition.Group, Kind = definition.Plural });

    public static ApiError Gone(string message) => new(410, "Expired", message);

    public static ApiError Invalid(ResourceDefinition definition, string name, IReadOnlyList<FieldError> errors) =>
        new(422, "Invalid",
            $"{definition.Kind}{(definition.Group.Length == 0 ? "" : "." + definition.Group)} \"{name}\" is invalid: "
            + string.Join("; ", errors.Select(e => $"{e.Field}: {e.Message}")),
            new()
            {
                Name = name,
                Group = definition.Group,
                Kind = definition.Kind,
                Causes = [.. errors.Select(e => new StatusCause { Reason = e.Reason, Message = e.Message, Field = e.Field })],
            });

    /// <summary>kube-apiserver's words for a body over its limit.</summary>
    public static ApiError RequestEntityTooLarge(long? limit) =>
        new(413, "RequestEntityTooLarge", $"Request entity too large: limit is {limit}");

    public static ApiError UnsupportedMediaType(string contentType) =>
        new(415, "UnsupportedMediaType",
            $"the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml (got \"{contentType}\")");

    private static string Qualified(ResourceDefinition definition) =>
        definition.Group.Length == 0 ? definition.Plural : $"{definition.Plural}.{definition.Group}";
}
