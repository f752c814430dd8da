using System.Globalization;

namespace AeroGrid.Operator.Workloads.Kubernetes;

/// <summary>The labels on everything the cluster backend writes: whose it is, which revision, which environment.</summary>
internal static class WorkloadLabels
{
    public const string Name = "app.kubernetes.io/name";
    public const string ManagedBy = "app.kubernetes.io/managed-by";
    public const string Tenant = "aerogrid.io/tenant";
    public const string App = Api.Resources.Revision.AppLabel;
    public const string Revision = Api.Resources.Revision.RevisionLabel;
    public const string RevisionHash = "aerogrid.io/revision-hash";
    public const string ImageHash = "aerogrid.io/image-hash";

    private const string Platform = "aerogrid";

    /// <summary>What selects an app's pods. The app alone: a selector is immutable, so it never names a revision.</summary>
    public static Dictionary<string, string> Selector(string app) => new(StringComparer.Ordinal) { [App] = app };

    /// <summary>An app's objects that outlive its revisions: the Deployment, the Service, the VirtualService.</summary>
    public static Dictionary<string, string> OfApp(string tenant, string app) => new(StringComparer.Ordinal)
    {
        [Name] = app,
        [ManagedBy] = Platform,
        [Tenant] = tenant,
        [App] = app,
    };

    /// <summary>What belongs to one revision: its ConfigMap and its pods.</summary>
    public static Dictionary<string, string> OfRevision(AppRevision revision) => new(OfApp(revision.Namespace, revision.Name), StringComparer.Ordinal)
    {
        [Revision] = revision.Revision.ToString(CultureInfo.InvariantCulture),
        [RevisionHash] = revision.Hash,
    };

    /// <summary>A build of an environment: its context ConfigMap, its Job and the Job's pod.</summary>
    public static Dictionary<string, string> OfBuild(string tenant, string imageHash) => new(StringComparer.Ordinal)
    {
        [Name] = Api.Resources.ImageHash.ImageName(imageHash),
        [ManagedBy] = Platform,
        [Tenant] = tenant,
        [ImageHash] = imageHash,
    };
}
