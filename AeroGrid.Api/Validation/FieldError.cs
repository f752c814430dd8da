namespace AeroGrid.Api.Validation;

/// <summary>One invalid field: becomes a <c>StatusCause</c> of a 422 Invalid response.</summary>
/// <param name="Field">The JSON path, e.g. <c>spec.files[1].path</c>.</param>
/// <param name="Reason">A Kubernetes cause type: see <see cref="FieldErrorReasons"/>.</param>
/// <param name="Message">What is wrong, in a sentence a person understands.</param>
public sealed record FieldError(string Field, string Reason, string Message);

public static class FieldErrorReasons
{
    public const string Required = "FieldValueRequired";
    public const string Invalid = "FieldValueInvalid";
    public const string Duplicate = "FieldValueDuplicate";
    public const string TooLong = "FieldValueTooLong";
    public const string NotSupported = "FieldValueNotSupported";
    public const string Forbidden = "FieldValueForbidden";
}
