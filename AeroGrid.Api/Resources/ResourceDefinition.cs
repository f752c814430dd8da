using System.Reflection;
using AeroGrid.Api.Resources.Istio;
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
    public string CollectionPath(string? @namespace) =>
        Namespaced && @namespace is not null ? $"{Root}/namespaces/{Uri.EscapeDataString(@namespace)}/{Plural}" : $"{Root}/{Plural}";

    /// <summary>The path of a collection with a <c>{namespace}</c> parameter where the kind is namespaced, for routes and OpenAPI.</summary>
    public string CollectionTemplate => Namespaced ? $"{Root}/namespaces/{{namespace}}/{Plural}" : $"{Root}/{Plural}";

    private string Root => Group.Length == 0 ? $"/api/{Version}" : $"/apis/{Group}/{Version}";

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

    public static readonly ResourceDefinition ConfigMap = ResourceDefinition.Of<V1ConfigMap>("configmap", ["cm"], namespaced: true, [Age]);

    public static readonly ResourceDefinition Secret = ResourceDefinition.Of<V1Secret>("secret", [], namespaced: true,
        [new("Type", "string", ".type"), Age]);

    public static readonly ResourceDefinition Service = ResourceDefinition.Of<V1Service>("service", ["svc"], namespaced: true,
        [new("Type", "string", ".spec.type"), new("Cluster-IP", "string", ".spec.clusterIP"), Age]);

    public static readonly ResourceDefinition Pod = ResourceDefinition.Of<V1Pod>("pod", ["po"], namespaced: true,
        [
            new("Status", "string", ".status.phase"),
            new("Node", "string", ".spec.nodeName"),
            new("IP", "string", ".status.podIP", Priority: 1),
            Age,
        ]);

    public static readonly ResourceDefinition Node = ResourceDefinition.Of<V1Node>("node", ["no"], namespaced: false, [Age]);

    public static readonly ResourceDefinition Deployment = ResourceDefinition.Of<V1Deployment>("deployment", ["deploy"], namespaced: true,
        [
            new("Desired", "integer", ".spec.replicas"),
            new("Up-to-date", "integer", ".status.updatedReplicas"),
            new("Available", "integer", ".status.availableReplicas"),
            Age,
        ]);

    public static readonly ResourceDefinition ReplicaSet = ResourceDefinition.Of<V1ReplicaSet>("replicaset", ["rs"], namespaced: true,
        [new("Desired", "integer", ".spec.replicas"), new("Ready", "integer", ".status.readyReplicas"), Age]);

    public static readonly ResourceDefinition Job = ResourceDefinition.Of<V1Job>("job", [], namespaced: true,
        [new("Succeeded", "integer", ".status.succeeded"), new("Failed", "integer", ".status.failed"), Age]);

    public static readonly ResourceDefinition VirtualService = ResourceDefinition.Of<VirtualService>("virtualservice", ["vs"], namespaced: true,
        [new("Gateways", "string", ".spec.gateways"), new("Hosts", "string", ".spec.hosts"), Age]);

    /// <summary>The custom resources of group aerogrid.io (what the CRDs declare).</summary>
    public static IReadOnlyList<ResourceDefinition> Custom { get; } = [App, Image, Revision];

    /// <summary>
    /// The Kubernetes and Istio kinds the cluster backend writes and the cluster's controllers make of them, so the
    /// backend runs against this API as against kube-apiserver. Only the platform (<c>platform:admin</c>) reaches them.
    /// </summary>
    public static IReadOnlyList<ResourceDefinition> Cluster { get; } = [ConfigMap, Secret, Service, Pod, Node, Deployment, ReplicaSet, Job, VirtualService];

    public static IReadOnlyList<ResourceDefinition> All { get; } = [.. Custom, Namespace, .. Cluster];

    /// <summary>The kinds that live in a namespace, and go when it goes.</summary>
    public static IReadOnlyList<ResourceDefinition> InNamespaces { get; } = [.. All.Where(definition => definition.Namespaced)];

    private static PrinterColumn Age => new("Age", "date", ".metadata.creationTimestamp");
}
