using System.Text;
using AeroGrid.Api.Meta;
using AeroGrid.Api.Resources;
using k8s;
using k8s.Models;

namespace AeroGrid.Api.Validation;

/// <summary>Validation of each kind: what the API server runs before it stores an object.</summary>
public static class ResourceValidation
{
    public static IReadOnlyList<FieldError> Validate(IKubernetesObject<V1ObjectMeta> obj, ValidationPolicy policy) => obj switch
    {
        // An app's Service is named after it, and a Service's name must start with a letter.
        App app => [.. MetadataErrors(app.Metadata, NameValidation.Dns1035LabelErrors), .. AppSpecErrors(app.Spec, policy)],
        Image image => [.. MetadataErrors(image.Metadata), .. ImageSpecErrors(image.Spec, policy)],
        Revision revision => [.. MetadataErrors(revision.Metadata, NameValidation.Dns1123SubdomainErrors), .. RevisionSpecErrors(revision.Spec, policy)],
        Namespace ns => [.. MetadataErrors(ns.Metadata)],
        _ => [.. ClusterValidation.Errors(obj)],
    };

    private static IEnumerable<FieldError> MetadataErrors(V1ObjectMeta metadata) => MetadataErrors(metadata, NameValidation.Dns1123LabelErrors);

    internal static IEnumerable<FieldError> MetadataErrors(V1ObjectMeta metadata, Func<string?, string, IEnumerable<FieldError>> nameErrors) =>
        nameErrors(metadata.Name, "metadata.name")
            .Concat(NameValidation.LabelErrors(metadata.Labels, "metadata.labels"))
            .Concat(NameValidation.AnnotationErrors(metadata.Annotations, "metadata.annotations"));

    public static IEnumerable<FieldError> AppSpecErrors(AppSpec spec, ValidationPolicy policy)
    {
        if (spec.Files.Count == 0)
        {
            yield return new("spec.files", FieldErrorReasons.Required, $"an app needs at least one file, its entrypoint ({spec.Entrypoint})");
        }
        if (spec.Files.Count > AppLimits.MaxFiles)
        {
            yield return new("spec.files", FieldErrorReasons.TooLong, $"an app may have at most {AppLimits.MaxFiles} files (has {spec.Files.Count})");
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var total = 0;
        for (var i = 0; i < spec.Files.Count; i++)
        {
            var file = spec.Files[i];
            foreach (var error in FilePathErrors(file.Path, $"spec.files[{i}].path"))
            {
                yield return error;
            }
            if (!seen.Add(file.Path))
            {
                yield return new($"spec.files[{i}].path", FieldErrorReasons.Duplicate, $"'{file.Path}' is listed more than once");
            }
            var bytes = Encoding.UTF8.GetByteCount(file.Content);
            total += bytes + Encoding.UTF8.GetByteCount(file.Path);
            if (bytes > AppLimits.MaxFileBytes)
            {
                yield return new($"spec.files[{i}].content", FieldErrorReasons.TooLong,
                    $"'{file.Path}' is {bytes} bytes; a file may have at most {AppLimits.MaxFileBytes} bytes");
            }
            if (file.Path == AppDefaults.Requirements)
            {
                foreach (var error in RequirementsValidation.Errors(file.Content, $"spec.files[{i}].content", policy))
                {
                    yield return error;
                }
            }
        }
        if (total > AppLimits.MaxTotalBytes)
        {
            yield return new("spec.files", FieldErrorReasons.TooLong,
                $"the files hold {total} bytes in all; an app may hold at most {AppLimits.MaxTotalBytes} bytes (a ConfigMap holds at most 1 MiB)");
        }
        if (string.IsNullOrEmpty(spec.Entrypoint))
        {
            yield return new("spec.entrypoint", FieldErrorReasons.Required, "the entrypoint names the file to run, e.g. app.py");
        }
        else if (spec.Files.Count > 0 && !seen.Contains(spec.Entrypoint))
        {
            yield return new("spec.entrypoint", FieldErrorReasons.Invalid, $"the entrypoint '{spec.Entrypoint}' is not one of the app's files");
        }
        else if (!spec.Entrypoint.EndsWith(".py", StringComparison.Ordinal))
        {
            yield return new("spec.entrypoint", FieldErrorReasons.Invalid, $"the entrypoint '{spec.Entrypoint}' must be a Python file (.py)");
        }
        foreach (var error in RuntimeErrors(spec.Runtime, "spec.runtime"))
        {
            yield return error;
        }
        if (spec.Replicas is < 0 or > AppLimits.MaxReplicas)
        {
            yield return new("spec.replicas", FieldErrorReasons.Invalid, $"replicas must be between 0 and {AppLimits.MaxReplicas} (is {spec.Replicas})");
        }
        if (spec.Env.Count > AppLimits.MaxEnv)
        {
            yield return new("spec.env", FieldErrorReasons.TooLong, $"an app may have at most {AppLimits.MaxEnv} environment variables");
        }
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < spec.Env.Count; i++)
        {
            var name = spec.Env[i].Name;
            if (!System.Text.RegularExpressions.Regex.IsMatch(name, AppLimits.EnvNamePattern))
            {
                yield return new($"spec.env[{i}].name", FieldErrorReasons.Invalid, $"'{name}' is not a valid variable name: use letters, digits and '_', not starting with a digit");
            }
            else if (name is "PORT" || name.StartsWith("AEROGRID_", StringComparison.Ordinal))
            {
                yield return new($"spec.env[{i}].name", FieldErrorReasons.Forbidden, $"'{name}' is set by the platform");
            }
            if (!names.Add(name))
            {
                yield return new($"spec.env[{i}].name", FieldErrorReasons.Duplicate, $"'{name}' is set more than once");
            }
        }
        foreach (var error in ResourcesErrors(spec.Resources))
        {
            yield return error;
        }
    }

    /// <summary>
    /// Each quantity well formed, and no request above its limit once the defaults fill the gaps: Kubernetes would
    /// accept such a Deployment and then refuse every pod of it.
    /// </summary>
    private static IEnumerable<FieldError> ResourcesErrors(AppResources? resources)
    {
        var wellFormed = true;
        foreach (var (field, value) in Quantities(resources))
        {
            if (value is null)
            {
                continue;
            }
            if (!System.Text.RegularExpressions.Regex.IsMatch(value, AppLimits.QuantityPattern))
            {
                wellFormed = false;
                yield return new(field, FieldErrorReasons.Invalid, $"'{value}' is not a quantity; write e.g. 500m or 0.5 for CPU, 256Mi or 1Gi for memory");
            }
            else if (ValueOf(value) is null)
            {
                wellFormed = false;
                yield return new(field, FieldErrorReasons.Invalid, $"'{value}' is larger than any quantity Kubernetes holds");
            }
        }
        if (!wellFormed)
        {
            yield break;
        }
        var effective = AppDefaults.ResourcesOf(resources);
        foreach (var (resource, request, limit) in new[]
        {
            ("cpu", effective.Requests?.Cpu, effective.Limits?.Cpu),
            ("memory", effective.Requests?.Memory, effective.Limits?.Memory),
        })
        {
            if (request is not null && limit is not null && ValueOf(request) > ValueOf(limit))
            {
                yield return new($"spec.resources.requests.{resource}", FieldErrorReasons.Invalid,
                    $"the {resource} request {request} is above its limit {limit}; raise spec.resources.limits.{resource}");
            }
        }
    }

    /// <summary>A well-formed quantity's value, or null when it passes what Kubernetes holds (a 64-bit integer).</summary>
    private static decimal? ValueOf(string quantity)
    {
        try
        {
            var value = new ResourceQuantity(quantity).ToDecimal();
            return value <= long.MaxValue ? value : null;
        }
        catch (OverflowException)
        {
            return null; // Past decimal's range, far past Kubernetes'.
        }
    }

    private static IEnumerable<(string Field, string? Value)> Quantities(AppResources? resources)
    {
        yield return ("spec.resources.requests.cpu", resources?.Requests?.Cpu);
        yield return ("spec.resources.requests.memory", resources?.Requests?.Memory);
        yield return ("spec.resources.limits.cpu", resources?.Limits?.Cpu);
        yield return ("spec.resources.limits.memory", resources?.Limits?.Memory);
    }

    public static IEnumerable<FieldError> ImageSpecErrors(ImageSpec spec, ValidationPolicy policy) =>
        RuntimeErrors(spec.Runtime, "spec.runtime")
            .Concat(RequirementsValidation.Errors(spec.Requirements, "spec.requirements", policy));

    /// <summary>
    /// A revision holds what an App held, checked by the App's rules (copied back into the App it must be valid there),
    /// and names its App and number.
    /// </summary>
    public static IEnumerable<FieldError> RevisionSpecErrors(RevisionSpec spec, ValidationPolicy policy)
    {
        foreach (var error in NameValidation.Dns1035LabelErrors(spec.App, "spec.app"))
        {
            yield return error;
        }
        if (spec.Revision < 1)
        {
            yield return new("spec.revision", FieldErrorReasons.Invalid, $"revisions are numbered from 1 (is {spec.Revision})");
        }
        var ran = new AppSpec { Files = spec.Files, Entrypoint = spec.Entrypoint, Runtime = spec.Runtime, Env = spec.Env };
        foreach (var error in AppSpecErrors(ran, policy))
        {
            yield return error;
        }
    }

    private static IEnumerable<FieldError> RuntimeErrors(string runtime, string field)
    {
        if (!System.Text.RegularExpressions.Regex.IsMatch(runtime ?? "", AppLimits.RuntimePattern))
        {
            yield return new(field, FieldErrorReasons.NotSupported, $"runtime '{runtime}' is not supported; use e.g. '{AppDefaults.Runtime}'");
        }
    }

    private static IEnumerable<FieldError> FilePathErrors(string path, string field)
    {
        if (string.IsNullOrEmpty(path))
        {
            yield return new(field, FieldErrorReasons.Required, "every file needs a path, e.g. app.py");
            yield break;
        }
        if (path.Length > AppLimits.MaxPathLength)
        {
            yield return new(field, FieldErrorReasons.TooLong, $"a path may have at most {AppLimits.MaxPathLength} characters");
        }
        if (path.StartsWith('/') || path.StartsWith('\\') || (path.Length > 1 && path[1] == ':'))
        {
            yield return new(field, FieldErrorReasons.Invalid, $"'{path}' is absolute; paths are relative to the app, e.g. 'lib/util.py'");
        }
        else if (path.Split('/').Any(segment => segment is ".." or "." or ""))
        {
            yield return new(field, FieldErrorReasons.Invalid, $"'{path}' may not contain '..', '.' or empty segments");
        }
        else if (!System.Text.RegularExpressions.Regex.IsMatch(path, AppLimits.FilePathPattern))
        {
            // In a cluster the files travel as one ConfigMap, a key per file, and a key allows no other character.
            yield return new(field, FieldErrorReasons.Invalid, $"'{path}' contains a character that is not allowed in a file name: use letters, digits, '-', '_', '.' and '/'");
        }
    }
}
