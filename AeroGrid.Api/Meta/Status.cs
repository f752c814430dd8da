using System.Text.Json.Serialization;

namespace AeroGrid.Api.Meta;

/// <summary>
/// The Kubernetes <c>Status</c> object: what the API returns for every error (and for some deletes).
/// </summary>
public sealed record Status
{
    public string ApiVersion { get; init; } = "v1";
    public string Kind { get; init; } = "Status";
    public ListMeta Metadata { get; init; } = new();

    /// <summary><c>Success</c> or <c>Failure</c> (the JSON field <c>status</c>; a member cannot share its type's name).</summary>
    [JsonPropertyName("status")]
    public string? Outcome { get; init; }

    public string? Message { get; init; }

    /// <summary>A machine-readable word such as <c>NotFound</c>, <c>Conflict</c> or <c>Invalid</c>.</summary>
    public string? Reason { get; init; }

    public StatusDetails? Details { get; init; }
    public int Code { get; init; }
}

public sealed record StatusDetails
{
    public string? Name { get; init; }
    public string? Group { get; init; }
    public string? Kind { get; init; }
    public string? Uid { get; init; }
    public List<StatusCause>? Causes { get; init; }
    public int? RetryAfterSeconds { get; init; }
}

/// <summary>One reason a request was refused, usually one invalid field.</summary>
public sealed record StatusCause
{
    /// <summary>e.g. <c>FieldValueInvalid</c>, <c>FieldValueRequired</c>, <c>FieldValueDuplicate</c>.</summary>
    public string? Reason { get; init; }
    public string? Message { get; init; }

    /// <summary>The JSON path of the field, e.g. <c>spec.files[1].path</c>.</summary>
    public string? Field { get; init; }
}
