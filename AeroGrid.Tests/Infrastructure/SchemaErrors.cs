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

    /// <summary>One line per error: its path and kind.</summary>
    public static string Describe(IEnumerable<ValidationError> errors)
    {
        var lines = Flatten(errors).Select(error => $"{error.Path}: {error.Kind}").ToList();
        return lines.Count == 0 ? "no errors" : string.Join("\n", lines);
    }
}
