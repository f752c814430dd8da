using System.Text.RegularExpressions;

namespace AeroGrid.Api.Validation;

/// <summary>
/// Checks a requirements.txt before anything installs it: the platform, not the file, decides where
/// packages come from, unless <see cref="ValidationPolicy"/> says otherwise.
/// </summary>
public static partial class RequirementsValidation
{
    // Options that redirect pip to other indexes or hosts.
    private static readonly string[] IndexOptions =
        ["-i", "--index-url", "--extra-index-url", "-f", "--find-links", "--trusted-host", "--no-index"];

    // Options that install from paths or URLs, or read other files.
    private static readonly string[] DirectReferenceOptions = ["-e", "--editable", "-r", "--requirement", "-c", "--constraint"];

    // Options that only tune how the listed packages are chosen; harmless.
    private static readonly string[] HarmlessOptions =
        ["--pre", "--prefer-binary", "--only-binary", "--no-binary", "--require-hashes", "--use-feature"];

    /// <summary>A PEP 508 requirement by name: name, extras, version specifiers, markers, per-line --hash options.</summary>
    [GeneratedRegex(@"^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?\s*(\[[A-Za-z0-9._,\s-]*\])?\s*([<>=!~]=?[^;@]*|===[^;@]*)?\s*(;[^@]*)?(\s+--hash=[a-z0-9]+:[a-f0-9]+)*$")]
    private static partial Regex NamedRequirement();

    public static IEnumerable<FieldError> Errors(string requirements, string field, ValidationPolicy policy)
    {
        var lineNumber = 0;
        foreach (var line in LogicalLines(requirements))
        {
            lineNumber = line.Number;
            var text = line.Text;
            if (text.Length == 0)
            {
                continue;
            }
            var where = $"{field} (line {lineNumber})";
            if (text.StartsWith('-'))
            {
                var option = text.Split([' ', '=', '\t'], 2)[0];
                if (IndexOptions.Contains(option))
                {
                    if (!policy.AllowIndexOptions)
                    {
                        yield return new(field, FieldErrorReasons.Forbidden,
                            $"{where}: '{option}' is not allowed: the platform chooses the package index");
                    }
                }
                else if (DirectReferenceOptions.Contains(option))
                {
                    if (!policy.AllowDirectReferences)
                    {
                        yield return new(field, FieldErrorReasons.Forbidden,
                            $"{where}: '{option}' is not allowed: list packages by name, e.g. 'requests==2.31.0'");
                    }
                }
                else if (!HarmlessOptions.Contains(option))
                {
                    yield return new(field, FieldErrorReasons.NotSupported, $"{where}: the option '{option}' is not supported");
                }
                continue;
            }
            if (IsDirectReference(text))
            {
                if (!policy.AllowDirectReferences)
                {
                    yield return new(field, FieldErrorReasons.Forbidden,
                        $"{where}: '{text}' installs from a URL or a path, which is not allowed: list packages by name, e.g. 'requests==2.31.0'");
                }
                continue;
            }
            if (!NamedRequirement().IsMatch(text))
            {
                yield return new(field, FieldErrorReasons.Invalid,
                    $"{where}: '{text}' is not a requirement pip understands; write e.g. 'requests' or 'requests>=2.31,<3'");
            }
            else if (Marker(text) is { } marker && EnvironmentMarker.Error(marker) is { } reason)
            {
                yield return new(field, FieldErrorReasons.Invalid,
                    $"{where}: the environment marker '{marker.Trim()}' is not valid ({reason}); write e.g. 'requests; python_version >= \"3.9\"'");
            }
        }
    }

    /// <summary>The marker of a named requirement: after its <c>;</c>, before any <c>--hash</c> options.</summary>
    private static string? Marker(string text)
    {
        var semicolon = text.IndexOf(';', StringComparison.Ordinal);
        if (semicolon < 0)
        {
            return null;
        }
        var marker = text[(semicolon + 1)..];
        var hash = marker.IndexOf(" --hash=", StringComparison.Ordinal);
        return hash < 0 ? marker : marker[..hash];
    }

    private static bool IsDirectReference(string text) =>
        text.Contains(" @ ", StringComparison.Ordinal) || text.Contains('@', StringComparison.Ordinal) && text.Contains("://", StringComparison.Ordinal)
        || text.Contains("://", StringComparison.Ordinal)
        || text.StartsWith('.') || text.StartsWith('/') || text.StartsWith('~')
        || text.StartsWith("file:", StringComparison.OrdinalIgnoreCase)
        || text.Contains('\\', StringComparison.Ordinal)
        || text.EndsWith(".whl", StringComparison.OrdinalIgnoreCase) || text.EndsWith(".tar.gz", StringComparison.OrdinalIgnoreCase)
        || text.EndsWith(".zip", StringComparison.OrdinalIgnoreCase);

    /// <summary>Lines as pip reads them: comments removed, backslash continuations joined.</summary>
    private static IEnumerable<(int Number, string Text)> LogicalLines(string requirements)
    {
        var lines = requirements.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var number = i + 1;
            var text = lines[i];
            while (text.EndsWith('\\') && i + 1 < lines.Length)
            {
                text = text[..^1] + " " + lines[++i];
            }
            var hash = text.IndexOf(" #", StringComparison.Ordinal);
            if (text.TrimStart().StartsWith('#'))
            {
                text = "";
            }
            else if (hash >= 0)
            {
                text = text[..hash];
            }
            yield return (number, text.Trim());
        }
    }
}
