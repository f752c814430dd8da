using System.Text.RegularExpressions;

namespace AeroGrid.Api.Validation;

/// <summary>Kubernetes naming rules for object names, labels and annotations.</summary>
public static partial class NameValidation
{
    public const int MaxNameLength = 63;

    /// <summary>The longest DNS-1123 subdomain, the name most Kubernetes kinds allow.</summary>
    public const int MaxSubdomainLength = 253;

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex Dns1123Label();

    [GeneratedRegex("^[a-z]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex Dns1035Label();

    [GeneratedRegex("^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$")]
    private static partial Regex QualifiedNamePart();

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    private static partial Regex Dns1123Subdomain();

    /// <summary>A DNS-1123 label: it becomes a URL segment, a namespace and a directory name.</summary>
    public static IEnumerable<FieldError> Dns1123LabelErrors(string? value, string field) =>
        NameErrors(value, field, MaxNameLength, Dns1123Label(), "lower-case letters, digits and '-', starting and ending with a letter or digit", "my-app");

    /// <summary>A DNS-1035 label, a DNS-1123 label starting with a letter: what Kubernetes requires of a Service's name.</summary>
    public static IEnumerable<FieldError> Dns1035LabelErrors(string? value, string field) =>
        NameErrors(value, field, MaxNameLength, Dns1035Label(), "lower-case letters, digits and '-', starting with a letter and ending with a letter or digit", "my-app");

    /// <summary>
    /// A DNS-1123 subdomain, as Kubernetes allows for most kinds: for names that only identify an object, and that
    /// append to a label-sized name (a Revision <c>{app}-{revision}</c> of an app named with 63 characters).
    /// </summary>
    public static IEnumerable<FieldError> Dns1123SubdomainErrors(string? value, string field) =>
        NameErrors(value, field, MaxSubdomainLength, Dns1123Subdomain(), "lower-case letters, digits, '-' and '.', starting and ending with a letter or digit", "my-app-3");

    private static IEnumerable<FieldError> NameErrors(string? value, string field, int maxLength, Regex pattern, string characters, string example)
    {
        if (string.IsNullOrEmpty(value))
        {
            yield return new(field, FieldErrorReasons.Required, "a name is required");
            yield break;
        }
        if (value.Length > maxLength)
        {
            yield return new(field, FieldErrorReasons.TooLong, $"must be no more than {maxLength} characters (is {value.Length})");
        }
        if (!pattern.IsMatch(value))
        {
            yield return new(field, FieldErrorReasons.Invalid,
                $"'{value}' is not a valid name: use {characters} (e.g. '{example}')");
        }
    }

    public static IEnumerable<FieldError> LabelErrors(IDictionary<string, string>? labels, string field)
    {
        foreach (var (key, value) in labels ?? new Dictionary<string, string>())
        {
            foreach (var error in QualifiedNameErrors(key, $"{field}[{key}]"))
            {
                yield return error;
            }
            if (value.Length > MaxNameLength || (value.Length > 0 && !QualifiedNamePart().IsMatch(value)))
            {
                yield return new($"{field}[{key}]", FieldErrorReasons.Invalid,
                    $"label value '{value}' must be at most 63 characters of letters, digits, '-', '_' or '.', starting and ending with a letter or digit");
            }
        }
    }

    public static IEnumerable<FieldError> AnnotationErrors(IDictionary<string, string>? annotations, string field)
    {
        const int MaxTotal = 256 * 1024;
        var total = 0;
        foreach (var (key, value) in annotations ?? new Dictionary<string, string>())
        {
            total += key.Length + value.Length;
            foreach (var error in QualifiedNameErrors(key, $"{field}[{key}]"))
            {
                yield return error;
            }
        }
        if (total > MaxTotal)
        {
            yield return new(field, FieldErrorReasons.TooLong, $"annotations may hold at most {MaxTotal} bytes in all (have {total})");
        }
    }

    /// <summary>A label or annotation key: an optional DNS subdomain prefix and a name, e.g. <c>aerogrid.io/revision</c>.</summary>
    private static IEnumerable<FieldError> QualifiedNameErrors(string key, string field)
    {
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        var prefix = slash >= 0 ? key[..slash] : null;
        var name = slash >= 0 ? key[(slash + 1)..] : key;
        if (prefix is not null && (prefix.Length == 0 || prefix.Length > MaxSubdomainLength || !Dns1123Subdomain().IsMatch(prefix)))
        {
            yield return new(field, FieldErrorReasons.Invalid, $"key prefix '{prefix}' must be a DNS subdomain such as 'example.com'");
        }
        if (name.Length == 0 || name.Length > MaxNameLength || !QualifiedNamePart().IsMatch(name))
        {
            yield return new(field, FieldErrorReasons.Invalid,
                $"key '{key}' must be a name of at most 63 characters of letters, digits, '-', '_' or '.', with an optional DNS prefix and '/'");
        }
    }
}
