using System.Text;
using System.Text.RegularExpressions;
using k8s;
using k8s.Models;

namespace AeroGrid.Api.Validation;

/// <summary>
/// What kube-apiserver checks of the Kubernetes kinds the cluster backend writes, where a mistake would otherwise
/// only show on a real cluster: names, ConfigMap and Secret keys and size, and a workload's selector against its
/// pod template.
/// </summary>
public static partial class ClusterValidation
{
    /// <summary>etcd's limit on one object, which kube-apiserver enforces for a ConfigMap's or Secret's data.</summary>
    public const int MaxDataBytes = 1024 * 1024;

    [GeneratedRegex("^[-._a-zA-Z0-9]+$")]
    private static partial Regex DataKey();

    public static IEnumerable<FieldError> Errors(IKubernetesObject<V1ObjectMeta> obj) => obj switch
    {
        V1ConfigMap configMap => [.. Metadata(configMap.Metadata), .. DataErrors(configMap.Data, configMap.BinaryData)],
        V1Secret secret => [.. Metadata(secret.Metadata), .. DataErrors(null, secret.Data)],
        // A Service's name is a DNS label: it becomes the host name of its cluster DNS entry.
        V1Service service => ResourceValidation.MetadataErrors(service.Metadata, NameValidation.Dns1123LabelErrors),
        V1Deployment deployment => [.. Metadata(deployment.Metadata), .. SelectorErrors(deployment.Spec?.Selector, deployment.Spec?.Template)],
        V1ReplicaSet replicaSet => [.. Metadata(replicaSet.Metadata), .. SelectorErrors(replicaSet.Spec?.Selector, replicaSet.Spec?.Template)],
        V1Job job => [.. Metadata(job.Metadata), .. JobErrors(job.Spec)],
        _ => Metadata(obj.Metadata),
    };

    private static IEnumerable<FieldError> Metadata(V1ObjectMeta metadata) =>
        ResourceValidation.MetadataErrors(metadata, NameValidation.Dns1123SubdomainErrors);

    /// <param name="text">A ConfigMap's <c>data</c>; null for a Secret.</param>
    /// <param name="binary">A ConfigMap's <c>binaryData</c>, or a Secret's <c>data</c>.</param>
    private static IEnumerable<FieldError> DataErrors(IDictionary<string, string>? text, IDictionary<string, byte[]>? binary)
    {
        var binaryField = text is null ? "data" : "binaryData";
        var entries = (text ?? new Dictionary<string, string>()).Select(e => (e.Key, Field: "data", Bytes: Encoding.UTF8.GetByteCount(e.Value ?? "")))
            .Concat((binary ?? new Dictionary<string, byte[]>()).Select(e => (e.Key, Field: binaryField, Bytes: e.Value?.Length ?? 0)))
            .ToList();
        foreach (var (key, field, _) in entries)
        {
            if (key.Length > NameValidation.MaxSubdomainLength || !DataKey().IsMatch(key))
            {
                yield return new($"{field}[{key}]", FieldErrorReasons.Invalid,
                    $"'{key}' is not a valid key: use letters, digits, '-', '_' and '.', at most {NameValidation.MaxSubdomainLength} characters");
            }
        }
        foreach (var key in (text?.Keys ?? []).Intersect(binary?.Keys ?? [], StringComparer.Ordinal))
        {
            yield return new($"binaryData[{key}]", FieldErrorReasons.Duplicate, $"'{key}' is in both data and binaryData");
        }
        var size = entries.Sum(entry => entry.Key.Length + entry.Bytes);
        if (size > MaxDataBytes)
        {
            yield return new("data", FieldErrorReasons.TooLong, $"the data holds {size} bytes; at most {MaxDataBytes} are allowed");
        }
    }

    private static IEnumerable<FieldError> SelectorErrors(V1LabelSelector? selector, V1PodTemplateSpec? template)
    {
        if (selector is null || (selector.MatchLabels is not { Count: > 0 } && selector.MatchExpressions is not { Count: > 0 }))
        {
            yield return new("spec.selector", FieldErrorReasons.Required, "a selector is required, and may not be empty");
            yield break;
        }
        var labels = template?.Metadata?.Labels ?? new Dictionary<string, string>();
        if (!Matches(selector, labels))
        {
            yield return new("spec.template.metadata.labels", FieldErrorReasons.Invalid, "`selector` does not match template `labels`");
        }
    }

    private static IEnumerable<FieldError> JobErrors(V1JobSpec? spec)
    {
        if (spec?.Template?.Spec?.RestartPolicy is not ("Never" or "OnFailure"))
        {
            yield return new("spec.template.spec.restartPolicy", FieldErrorReasons.NotSupported,
                $"'{spec?.Template?.Spec?.RestartPolicy}' is not supported: a Job's pods restart \"OnFailure\" or \"Never\"");
        }
        if (spec?.BackoffLimit is < 0)
        {
            yield return new("spec.backoffLimit", FieldErrorReasons.Invalid, "must be greater than or equal to 0");
        }
    }

    /// <summary>Whether a label selector selects the labels, by Kubernetes' rules for matchLabels and matchExpressions.</summary>
    public static bool Matches(V1LabelSelector selector, IDictionary<string, string> labels) =>
        (selector.MatchLabels ?? new Dictionary<string, string>()).All(wanted => labels.TryGetValue(wanted.Key, out var value) && value == wanted.Value)
        && (selector.MatchExpressions ?? []).All(expression => expression.OperatorProperty switch
        {
            "In" => labels.TryGetValue(expression.Key, out var value) && (expression.Values ?? []).Contains(value),
            "NotIn" => !labels.TryGetValue(expression.Key, out var value) || !(expression.Values ?? []).Contains(value),
            "Exists" => labels.ContainsKey(expression.Key),
            "DoesNotExist" => !labels.ContainsKey(expression.Key),
            _ => false,
        });
}
