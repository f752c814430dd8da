using System.Text.Json.Nodes;

namespace AeroGrid.ControlPlane.Api;

/// <summary>
/// A parsed label selector (<c>a=b,c!=d,e in (x,y),f notin (z),g,!h</c>) and field selector
/// (<c>metadata.name=x</c>, <c>metadata.namespace=y</c>, and a pod's <c>spec.nodeName</c> and <c>status.phase</c>); an
/// object matches when every requirement holds.
/// </summary>
internal sealed class Selector
{
    private readonly List<Func<JsonObject, bool>> _requirements = [];

    public static Selector Everything { get; } = new();

    public bool Matches(JsonObject obj) => _requirements.TrueForAll(requirement => requirement(obj));

    public static Selector Parse(string? labelSelector, string? fieldSelector)
    {
        if (string.IsNullOrWhiteSpace(labelSelector) && string.IsNullOrWhiteSpace(fieldSelector))
        {
            return Everything;
        }
        var selector = new Selector();
        foreach (var term in SplitTerms(labelSelector))
        {
            selector._requirements.Add(LabelRequirement(term));
        }
        foreach (var term in SplitTerms(fieldSelector))
        {
            selector._requirements.Add(FieldRequirement(term));
        }
        return selector;
    }

    private static Func<JsonObject, bool> LabelRequirement(string term)
    {
        static string? Label(JsonObject obj, string key) => obj["metadata"]?["labels"]?[key]?.GetValue<string>();

        if (term.StartsWith('!'))
        {
            var key = term[1..].Trim();
            return obj => Label(obj, key) is null;
        }
        foreach (var (op, negate) in new[] { (" notin ", true), (" in ", false) })
        {
            var at = term.IndexOf(op, StringComparison.Ordinal);
            if (at > 0)
            {
                var key = term[..at].Trim();
                var set = term[(at + op.Length)..].Trim();
                if (!set.StartsWith('(') || !set.EndsWith(')'))
                {
                    throw ApiError.BadRequest($"unable to parse requirement: \"{term}\": the values must be in parentheses");
                }
                var values = set[1..^1].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
                return negate
                    ? obj => Label(obj, key) is not { } v || !values.Contains(v)
                    : obj => Label(obj, key) is { } v && values.Contains(v);
            }
        }
        if (Split(term, out var name, out var value, out var equal))
        {
            return equal ? obj => Label(obj, name) == value : obj => Label(obj, name) != value;
        }
        var exists = term.Trim();
        return obj => Label(obj, exists) is not null;
    }

    private static Func<JsonObject, bool> FieldRequirement(string term)
    {
        if (!Split(term, out var field, out var value, out var equal))
        {
            throw ApiError.BadRequest($"invalid field selector \"{term}\": use field=value or field!=value");
        }
        Func<JsonObject, string?> read = field switch
        {
            "metadata.name" => obj => obj["metadata"]?["name"]?.GetValue<string>(),
            "metadata.namespace" => obj => obj["metadata"]?["namespace"]?.GetValue<string>() ?? "",
            // A pod's, as a kubelet watches its node's (spec.nodeName=node) and a scheduler the unbound (spec.nodeName=).
            "spec.nodeName" => obj => obj["spec"]?["nodeName"]?.GetValue<string>() ?? "",
            "status.phase" => obj => obj["status"]?["phase"]?.GetValue<string>() ?? "",
            _ => throw ApiError.BadRequest($"field label not supported: {field} (use metadata.name, metadata.namespace, spec.nodeName or status.phase)"),
        };
        return equal ? obj => read(obj) == value : obj => read(obj) != value;
    }

    private static bool Split(string term, out string key, out string value, out bool equal)
    {
        foreach (var (op, isEqual) in new[] { ("!=", false), ("==", true), ("=", true) })
        {
            var at = term.IndexOf(op, StringComparison.Ordinal);
            if (at > 0)
            {
                key = term[..at].Trim();
                value = term[(at + op.Length)..].Trim();
                equal = isEqual;
                return true;
            }
        }
        key = value = "";
        equal = false;
        return false;
    }

    /// <summary>Splits on commas outside parentheses, so <c>a in (x,y),b</c> is two terms.</summary>
    private static IEnumerable<string> SplitTerms(string? selector)
    {
        if (string.IsNullOrWhiteSpace(selector))
        {
            yield break;
        }
        var depth = 0;
        var start = 0;
        for (var i = 0; i <= selector.Length; i++)
        {
            if (i == selector.Length || (selector[i] == ',' && depth == 0))
            {
                var term = selector[start..i].Trim();
                if (term.Length > 0)
                {
                    yield return term;
                }
                start = i + 1;
            }
            else if (selector[i] == '(')
            {
                depth++;
            }
            else if (selector[i] == ')')
            {
                depth--;
            }
        }
    }
}
