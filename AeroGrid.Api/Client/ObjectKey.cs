using AeroGrid.Api.Meta;

namespace AeroGrid.Api.Client;

/// <summary>The key of an object in an informer's cache and a controller's work queue: <c>namespace/name</c>, or <c>name</c> without a namespace.</summary>
public static class ObjectKey
{
    public static string Of(string? @namespace, string name) =>
        string.IsNullOrEmpty(@namespace) ? name : $"{@namespace}/{name}";

    public static string Of(KubernetesObject obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        return Of(obj.Metadata.NamespaceProperty, obj.Metadata.Name ?? throw new ArgumentException("metadata.name is missing.", nameof(obj)));
    }
}
