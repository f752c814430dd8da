using NJsonSchema.Validation;

namespace AeroGrid.Tests.Infrastructure;

/// <summary>NJsonSchema's validation errors as a flat list a test can search and print.</summary>
internal static class SchemaErrors
{
    /// <summary>
    /// Every error including the nested ones: NJsonSchema reports a bad array item or a failed <c>oneOf</c> as one
    /// error that holds the real causes.
    /// </summary>
    public static IEnumerable<ValidationError> Flatten(IEnumerable<ValidationError> errors) =>
        errors.SelectMany(error => error is ChildSchemaValidationError child
            ? [error, .. Flatten(child.Errors.Values.SelectMany(nested => nested))]
            : new[] { error });

    /// <summary>One line per error, nested ones included: its path and kind.</summary>
    public static IReadOnlyList<string> Lines(IEnumerable<ValidationError> errors) =>
        [.. Flatten(errors).Select(error => $"{error.Path}: {error.Kind}")];

    /// <summary>The <see cref="Lines"/> as one failure message.</summary>
    public static string Describe(IEnumerable<ValidationError> errors) =>
        Lines(errors) is { Count: > 0 } lines ? string.Join("\n", lines) : "no errors";
}
