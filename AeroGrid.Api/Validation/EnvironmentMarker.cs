namespace AeroGrid.Api.Validation;

/// <summary>
/// The environment marker of a requirement (the part after <c>;</c>), parsed by PEP 508's grammar: comparisons of a
/// marker variable or a quoted string with another (<c>python_version &gt;= "3.8"</c>, <c>"linux" in sys_platform</c>),
/// combined with <c>and</c>, <c>or</c> and parentheses.
/// </summary>
/// <remarks>
/// pip refuses a bad marker only when it installs, long after the save; checking it here names the line up front.
/// The legacy dotted names (<c>os.name</c>) are refused, as current pip (packaging 22 and later) refuses them.
/// See https://peps.python.org/pep-0508/#environment-markers.
/// </remarks>
public static class EnvironmentMarker
{
    private static readonly HashSet<string> Variables = new(StringComparer.Ordinal)
    {
        "python_version", "python_full_version", "os_name", "sys_platform", "platform_release", "platform_system",
        "platform_version", "platform_machine", "platform_python_implementation", "implementation_name",
        "implementation_version", "extra",
    };

    private static readonly string[] Comparisons = ["===", "<=", ">=", "!=", "==", "~=", "<", ">"];

    /// <summary>Null when <paramref name="marker"/> is a valid marker, else what is wrong with it.</summary>
    public static string? Error(string marker)
    {
        var parser = new Parser(marker);
        try
        {
            parser.Or();
            parser.SkipSpace();
            return parser.AtEnd ? null : $"unexpected '{parser.Rest}'";
        }
        catch (FormatException e)
        {
            return e.Message;
        }
    }

    private sealed class Parser(string text)
    {
        private int _at;

        public bool AtEnd => _at >= text.Length;

        public string Rest => text[_at..];

        public void SkipSpace()
        {
            while (!AtEnd && char.IsWhiteSpace(text[_at]))
            {
                _at++;
            }
        }

        public void Or()
        {
            And();
            while (Keyword("or"))
            {
                And();
            }
        }

        private void And()
        {
            Expression();
            while (Keyword("and"))
            {
                Expression();
            }
        }

        private void Expression()
        {
            SkipSpace();
            if (!AtEnd && text[_at] == '(')
            {
                _at++;
                Or();
                SkipSpace();
                if (AtEnd || text[_at] != ')')
                {
                    throw new FormatException("a '(' is not closed");
                }
                _at++;
                return;
            }
            Value();
            Operator();
            Value();
        }

        private void Value()
        {
            SkipSpace();
            if (AtEnd)
            {
                throw new FormatException("it ends where a marker variable or a quoted string should follow");
            }
            var quote = text[_at];
            if (quote is '"' or '\'')
            {
                var end = text.IndexOf(quote, _at + 1);
                if (end < 0)
                {
                    throw new FormatException("a quoted string is not closed");
                }
                _at = end + 1;
                return;
            }
            var start = _at;
            while (!AtEnd && (char.IsAsciiLetterOrDigit(text[_at]) || text[_at] is '_' or '.'))
            {
                _at++;
            }
            var name = text[start.._at];
            if (!Variables.Contains(name))
            {
                throw new FormatException(
                    $"'{(name.Length == 0 ? text[start..] : name)}' is neither a marker variable ({string.Join(", ", Variables)}) nor a quoted string");
            }
        }

        private void Operator()
        {
            SkipSpace();
            foreach (var comparison in Comparisons)
            {
                if (string.CompareOrdinal(text, _at, comparison, 0, comparison.Length) == 0)
                {
                    _at += comparison.Length;
                    return;
                }
            }
            if (Keyword("in"))
            {
                return;
            }
            if (Keyword("not") && Keyword("in"))
            {
                return;
            }
            throw new FormatException($"expected a comparison (==, !=, <, <=, >, >=, ~=, ===, in, not in) at '{Rest.Trim()}'");
        }

        /// <summary>Consumes <paramref name="word"/> when it comes next as a whole word.</summary>
        private bool Keyword(string word)
        {
            SkipSpace();
            var end = _at + word.Length;
            if (string.CompareOrdinal(text, _at, word, 0, word.Length) != 0
                || (end < text.Length && (char.IsAsciiLetterOrDigit(text[end]) || text[end] == '_')))
            {
                return false;
            }
            _at = end;
            return true;
        }
    }
}
