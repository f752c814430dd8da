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
}

/// <summary>A column of <c>kubectl get</c>, as in a CRD's <c>additionalPrinterColumns</c>.</summary>
public sealed record PrinterColumn(string Name, string Type, string JsonPath, string Description = "", int Priority = 0);

/// <summary>The kinds this API serves.</summary>
public static class ResourceDefinitions
{
    public static readonly ResourceDefinition App = new(
        AeroGridApi.Group, AeroGridApi.Version, Resources.App.KindName, "apps", "app", ["agapp"], Namespaced: true, typeof(App),
        [
            new("Phase", "string", ".status.phase", "What the app is doing."),
            new("Revision", "integer", ".status.revision", "The serving revision."),
            new("URL", "string", ".status.url", "Where the app answers."),
            new("Message", "string", ".status.message", "What is happening.", Priority: 1),
            new("Age", "date", ".metadata.creationTimestamp"),
        ]);

    public static readonly ResourceDefinition Image = new(
        AeroGridApi.Group, AeroGridApi.Version, Resources.Image.KindName, "images", "image", ["agimg"], Namespaced: true, typeof(Image),
        [
            new("Phase", "string", ".status.phase", "Build state."),
            new("Runtime", "string", ".spec.runtime", "The language runtime."),
            new("Reference", "string", ".status.reference", "Where the environment is.", Priority: 1),
            new("Age", "date", ".metadata.creationTimestamp"),
        ]);

    public static readonly ResourceDefinition Revision = new(
        AeroGridApi.Group, AeroGridApi.Version, Resources.Revision.KindName, "revisions", "revision", ["agrev"], Namespaced: true, typeof(Revision),
        [
            new("App", "string", ".spec.app", "The app it is a revision of."),
            new("Revision", "integer", ".spec.revision", "The revision number."),
            new("Hash", "string", ".spec.revisionHash", "What the revision ran, hashed."),
            new("Image", "string", ".spec.image", "The dependency environment it ran on.", Priority: 1),
            new("Age", "date", ".metadata.creationTimestamp"),
        ]);

    public static readonly ResourceDefinition Namespace = new(
        "", "v1", Resources.Namespace.KindName, "namespaces", "namespace", ["ns"], Namespaced: false, typeof(Namespace),
        [
            new("Status", "string", ".status.phase"),
            new("Age", "date", ".metadata.creationTimestamp"),
        ]);

    /// <summary>The custom resources of group aerogrid.io (what the CRDs declare).</summary>
    public static IReadOnlyList<ResourceDefinition> Custom { get; } = [App, Image, Revision];

    public static IReadOnlyList<ResourceDefinition> All { get; } = [App, Image, Revision, Namespace];
}
