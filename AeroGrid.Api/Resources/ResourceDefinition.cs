using System.Reflection;
using k8s.Models;

namespace AeroGrid.Api.Resources;

/// <summary>
/// Everything the API server, the CRD generator and the client need to know about one kind:
/// its names, its scope, its CLR type and the columns <c>kubectl get</c> prints.
/// </summary>
public sealed record ResourceDefinition(
    string Group,
    string Version,
    string Kind,
    string Plural,
    string Singular,
    IReadOnlyList<string> ShortNames,
    bool Namespaced,
    Type ClrType,
    IReadOnlyList<PrinterColumn> PrinterColumns)
{
    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";
    public string ListKind => Kind + "List";

    /// <summary>
    /// Whether objects of the kind have a <c>status</c>, and so a status subresource. A snapshot such as a
    /// <see cref="Revision"/> has none; the CLR type says which.
    /// </summary>
    public bool HasStatus => ClrType.GetProperty(nameof(App.Status)) is not null;

    /// <summary>The REST path of a collection: <c>/apis/group/version[/namespaces/ns]/plural</c>.</summary>
    public string CollectionPath(string? @namespace)
    {
        var root = Group.Length == 0 ? $"/api/{Version}" : $"/apis/{Group}/{Version}";
        return Namespaced && @namespace is not null
            ? $"{root}/namespaces/{Uri.EscapeDataString(@namespace)}/{Plural}"
            : $"{root}/{Plural}";
    }

    public string ObjectPath(string? @namespace, string name) =>
        $"{CollectionPath(@namespace)}/{Uri.EscapeDataString(name)}";

    /// <summary>The kind of <typeparamref name="T"/>, named by its KubernetesClient <see cref="KubernetesEntityAttribute"/>.</summary>
    public static ResourceDefinition Of<T>(string singular, IReadOnlyList<string> shortNames, bool namespaced, IReadOnlyList<PrinterColumn> printerColumns)
    {
        var entity = typeof(T).GetCustomAttribute<KubernetesEntityAttribute>()
            ?? throw new InvalidOperationException($"{typeof(T).Name} has no [{nameof(KubernetesEntityAttribute)}].");
        return new(entity.Group, entity.ApiVersion, entity.Kind, entity.PluralName, singular, shortNames, namespaced, typeof(T), printerColumns);
    }
}

/// <summary>A column of <c>kubectl get</c>, as in a CRD's <c>additionalPrinterColumns</c>.</summary>
public sealed record PrinterColumn(string Name, string Type, string JsonPath, string Description = "", int Priority = 0);

/// <summary>The kinds this API serves.</summary>
public static class ResourceDefinitions
{
    public static readonly ResourceDefinition App = ResourceDefinition.Of<App>("app", ["agapp"], namespaced: true,
        [
            new("Phase", "string", ".status.phase", "What the app is doing."),
            new("Revision", "integer", ".status.revision", "The serving revision."),
            new("URL", "string", ".status.url", "Where the app answers."),
            new("Message", "string", ".status.message", "What is happening.", Priority: 1),
            new("Age", "date", ".metadata.creationTimestamp"),
        ]);

    public static readonly ResourceDefinition Image = ResourceDefinition.Of<Image>("image", ["agimg"], namespaced: true,
        [
            new("Phase", "string", ".status.phase", "Build state."),
            new("Runtime", "string", ".spec.runtime", "The language runtime."),
            new("Reference", "string", ".status.reference", "Where the environment is.", Priority: 1),
            new("Age", "date", ".metadata.creationTimestamp"),
        ]);

    public static readonly ResourceDefinition Revision = ResourceDefinition.Of<Revision>("revision", ["agrev"], namespaced: true,
        [
            new("App", "string", ".spec.app", "The app it is a revision of."),
            new("Revision", "integer", ".spec.revision", "The revision number."),
            new("Hash", "string", ".spec.revisionHash", "What the revision ran, hashed."),
            new("Image", "string", ".spec.image", "The dependency environment it ran on.", Priority: 1),
            new("Age", "date", ".metadata.creationTimestamp"),
        ]);

    public static readonly ResourceDefinition Namespace = ResourceDefinition.Of<Namespace>("namespace", ["ns"], namespaced: false,
        [
            new("Status", "string", ".status.phase"),
            new("Age", "date", ".metadata.creationTimestamp"),
        ]);

    /// <summary>The custom resources of group aerogrid.io (what the CRDs declare).</summary>
    public static IReadOnlyList<ResourceDefinition> Custom { get; } = [App, Image, Revision];

    public static IReadOnlyList<ResourceDefinition> All { get; } = [App, Image, Revision, Namespace];
}
