using System.Text.Json.Nodes;
using AeroGrid.Api.Resources;
using k8s;
using k8s.Models;

namespace AeroGrid.AppHost.Publish;

/// <summary>
/// The platform in a cluster: its namespace, the Operator and the Portal as Deployments and Services with their
/// ServiceAccounts, the Operator's least-privilege ClusterRole, and a PodDisruptionBudget for the Portal's replicas.
/// </summary>
internal static class PlatformManifests
{
    private const string Operator = "aerogrid-operator";
    private const string Portal = "aerogrid-portal";
    private const int PortalReplicas = 2;
    private const int HttpPort = 8080;
    private const string PushSecretReaderName = "aerogrid-operator-registry";

    public static IReadOnlyList<JsonObject> Render(PublishSettings settings) =>
    [
        .. new object[]
        {
            new V1Namespace
            {
                ApiVersion = "v1", Kind = "Namespace",
                Metadata = new() { Name = settings.Namespace, Labels = Labels("platform", ("istio-injection", "enabled")) },
            },
            ServiceAccount(settings, Operator, automount: true),
            // The Portal calls the API with the signed-in person's token, never its own.
            ServiceAccount(settings, Portal, automount: false),
            OperatorRole(),
            new V1ClusterRoleBinding
            {
                ApiVersion = "rbac.authorization.k8s.io/v1", Kind = "ClusterRoleBinding",
                Metadata = new() { Name = Operator, Labels = Labels("operator") },
                RoleRef = new V1RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = "ClusterRole", Name = Operator },
                Subjects = [new Rbacv1Subject { Kind = "ServiceAccount", Name = Operator, NamespaceProperty = settings.Namespace }],
            },
            PushSecretReader(settings),
            new V1RoleBinding
            {
                ApiVersion = "rbac.authorization.k8s.io/v1", Kind = "RoleBinding",
                Metadata = new() { Name = PushSecretReaderName, NamespaceProperty = settings.Namespace, Labels = Labels("operator") },
                RoleRef = new V1RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = "Role", Name = PushSecretReaderName },
                Subjects = [new Rbacv1Subject { Kind = "ServiceAccount", Name = Operator, NamespaceProperty = settings.Namespace }],
            },
            Deployment(settings, Operator, "operator", settings.Images.Operator, replicas: 1, OperatorEnvironment(settings)),
            Service(settings, Operator, "operator"),
            Deployment(settings, Portal, "portal", settings.Images.Portal, PortalReplicas, PortalEnvironment(settings)),
            Service(settings, Portal, "portal"),
            new V1PodDisruptionBudget
            {
                ApiVersion = "policy/v1", Kind = "PodDisruptionBudget",
                Metadata = new() { Name = Portal, NamespaceProperty = settings.Namespace, Labels = Labels("portal") },
                Spec = new V1PodDisruptionBudgetSpec { MinAvailable = PortalReplicas - 1, Selector = Selector("portal") },
            },
        }.Select(Document),
    ];

    /// <summary>A typed object as the JSON the API reads, in KubernetesClient's own serialization.</summary>
    public static JsonObject Document(object obj) => JsonNode.Parse(KubernetesJson.Serialize(obj))!.AsObject();

    public static Dictionary<string, string> Labels(string component, params (string Key, string Value)[] more)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["app.kubernetes.io/part-of"] = "aerogrid",
            ["app.kubernetes.io/component"] = component,
        };
        foreach (var (key, value) in more)
        {
            labels[key] = value;
        }
        return labels;
    }

    /// <summary>
    /// What the Operator reads and writes: the aerogrid.io kinds and their status, and for each App and Image the objects
    /// the cluster backend makes of them (ConfigMaps, Deployments, Services, build Jobs, VirtualServices). Pods only to
    /// read build and app logs. No Secret at all (the registry's is <see cref="PushSecretReader"/>), and no wildcard.
    /// </summary>
    private static V1ClusterRole OperatorRole()
    {
        string[] readWrite = ["get", "list", "watch", "create", "update", "patch", "delete"];
        return new V1ClusterRole
        {
            ApiVersion = "rbac.authorization.k8s.io/v1", Kind = "ClusterRole",
            Metadata = new() { Name = Operator, Labels = Labels("operator") },
            Rules =
            [
                new V1PolicyRule { ApiGroups = [AeroGridApi.Group], Resources = ["apps", "images", "revisions"], Verbs = readWrite },
                new V1PolicyRule { ApiGroups = [AeroGridApi.Group], Resources = ["apps/status", "images/status"], Verbs = ["get", "update", "patch"] },
                new V1PolicyRule { ApiGroups = [AeroGridApi.Group], Resources = ["apps/finalizers", "images/finalizers"], Verbs = ["update"] },
                new V1PolicyRule { ApiGroups = [""], Resources = ["configmaps", "services"], Verbs = readWrite },
                new V1PolicyRule { ApiGroups = [""], Resources = ["pods", "pods/log"], Verbs = ["get", "list", "watch"] },
                new V1PolicyRule { ApiGroups = [""], Resources = ["namespaces"], Verbs = ["get", "list", "watch"] },
                new V1PolicyRule { ApiGroups = [""], Resources = ["events"], Verbs = ["create", "patch"] },
                new V1PolicyRule { ApiGroups = ["apps"], Resources = ["deployments"], Verbs = readWrite },
                new V1PolicyRule { ApiGroups = ["batch"], Resources = ["jobs"], Verbs = readWrite },
                new V1PolicyRule { ApiGroups = ["networking.istio.io"], Resources = ["virtualservices"], Verbs = readWrite },
            ],
        };
    }

    /// <summary>The one Secret the Operator may read, by name: the registry's push credentials, for its tag lookups.</summary>
    private static V1Role PushSecretReader(PublishSettings settings) => new()
    {
        ApiVersion = "rbac.authorization.k8s.io/v1", Kind = "Role",
        Metadata = new() { Name = PushSecretReaderName, NamespaceProperty = settings.Namespace, Labels = Labels("operator") },
        Rules = [new V1PolicyRule { ApiGroups = [""], Resources = ["secrets"], ResourceNames = [settings.Registry.PushSecret], Verbs = ["get"] }],
    };

    // In a pod the Operator needs no API address or token: KubernetesClient's in-cluster configuration has both. The
    // registry is for the cluster backend's builds; its credentials are named, never written: the Secret is made by
    // whoever runs the cluster.
    private static List<V1EnvVar> OperatorEnvironment(PublishSettings settings) =>
    [
        .. CommonEnvironment(settings, "operator"),
        new V1EnvVar { Name = "Operator__Backend", Value = "kubernetes" },
        new V1EnvVar { Name = "Operator__Kubernetes__PlatformNamespace", Value = settings.Namespace },
        new V1EnvVar { Name = "Operator__Kubernetes__Gateway", Value = $"{settings.Namespace}/{IstioManifests.GatewayName}" },
        new V1EnvVar { Name = "Operator__Kubernetes__Registry", Value = settings.Registry.Address },
        new V1EnvVar { Name = "Operator__Kubernetes__Repository", Value = settings.Registry.Repository },
        new V1EnvVar { Name = "Operator__Kubernetes__PushSecret", Value = settings.Registry.PushSecret },
        // The apps' spans: over OTLP/HTTP, at the mesh's sampling, as the platform's own.
        new V1EnvVar { Name = "Operator__AppTelemetry__OtlpEndpoint", Value = settings.Telemetry.AppsOtlpEndpoint },
        new V1EnvVar { Name = "Operator__AppTelemetry__Sampler", Value = "parentbased_traceidratio" },
        new V1EnvVar { Name = "Operator__AppTelemetry__SamplerArg", Value = SamplingRatio(settings) },
    ];

    private static List<V1EnvVar> PortalEnvironment(PublishSettings settings) =>
    [
        .. CommonEnvironment(settings, "portal"),
        new V1EnvVar { Name = "Portal__ApiServer", Value = "https://kubernetes.default.svc" },
        new V1EnvVar { Name = "Portal__Gateway", Value = $"https://{settings.Domain}" },
        new V1EnvVar { Name = "Portal__PublicUrl", Value = $"https://{settings.Domain}" },
        SecretEnvironment("Portal__ClientId", settings.Auth0.PortalClientSecret, "client-id"),
        SecretEnvironment("Portal__ClientSecret", settings.Auth0.PortalClientSecret, "client-secret"),
    ];

    private static IEnumerable<V1EnvVar> CommonEnvironment(PublishSettings settings, string service)
    {
        yield return new V1EnvVar { Name = "ASPNETCORE_URLS", Value = $"http://+:{HttpPort}" };
        yield return new V1EnvVar { Name = "Auth__Authority", Value = $"https://{settings.Auth0.Domain}/" };
        yield return new V1EnvVar { Name = "Auth__Audience", Value = settings.Auth0.Audience };
        yield return new V1EnvVar { Name = "Auth__TenantClaim", Value = settings.Auth0.TenantClaim };
        yield return new V1EnvVar { Name = "OTEL_SERVICE_NAME", Value = service };
        // The same share of traces as the mesh's, and a caller's decision is kept: the SDK reads both variables.
        yield return new V1EnvVar { Name = "OTEL_TRACES_SAMPLER", Value = "parentbased_traceidratio" };
        yield return new V1EnvVar
        {
            Name = "OTEL_TRACES_SAMPLER_ARG",
            Value = SamplingRatio(settings),
        };
        if (settings.Telemetry.OtlpEndpoint.Length > 0)
        {
            yield return new V1EnvVar { Name = "OTEL_EXPORTER_OTLP_ENDPOINT", Value = settings.Telemetry.OtlpEndpoint };
        }
    }

    private static string SamplingRatio(PublishSettings settings) =>
        (settings.Telemetry.TracingSamplingPercent / 100).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static V1EnvVar SecretEnvironment(string name, string secret, string key) =>
        new() { Name = name, ValueFrom = new V1EnvVarSource { SecretKeyRef = new V1SecretKeySelector { Name = secret, Key = key } } };

    private static V1ServiceAccount ServiceAccount(PublishSettings settings, string name, bool automount) => new()
    {
        ApiVersion = "v1", Kind = "ServiceAccount",
        Metadata = new() { Name = name, NamespaceProperty = settings.Namespace, Labels = Labels(name[(name.IndexOf('-') + 1)..]) },
        AutomountServiceAccountToken = automount,
    };

    private static V1LabelSelector Selector(string component) => new()
    {
        MatchLabels = new Dictionary<string, string> { ["app.kubernetes.io/part-of"] = "aerogrid", ["app.kubernetes.io/component"] = component },
    };

    private static V1Deployment Deployment(PublishSettings settings, string name, string component, string image, int replicas, List<V1EnvVar> environment) => new()
    {
        ApiVersion = "apps/v1", Kind = "Deployment",
        Metadata = new() { Name = name, NamespaceProperty = settings.Namespace, Labels = Labels(component) },
        Spec = new V1DeploymentSpec
        {
            Replicas = replicas,
            Selector = Selector(component),
            Strategy = new V1DeploymentStrategy { Type = "RollingUpdate", RollingUpdate = new V1RollingUpdateDeployment { MaxUnavailable = 0, MaxSurge = 1 } },
            Template = new V1PodTemplateSpec
            {
                Metadata = new() { Labels = Labels(component) },
                Spec = new V1PodSpec
                {
                    ServiceAccountName = name,
                    SecurityContext = new V1PodSecurityContext { RunAsNonRoot = true, SeccompProfile = new V1SeccompProfile { Type = "RuntimeDefault" } },
                    Containers =
                    [
                        new V1Container
                        {
                            Name = component,
                            Image = image,
                            Ports = [new V1ContainerPort { Name = "http", ContainerPort = HttpPort }],
                            Env = environment,
                            ReadinessProbe = Probe("/health"),
                            LivenessProbe = Probe("/alive"),
                            Resources = new V1ResourceRequirements
                            {
                                Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("100m"), ["memory"] = new("128Mi") },
                                Limits = new Dictionary<string, ResourceQuantity> { ["memory"] = new("512Mi") },
                            },
                            SecurityContext = new V1SecurityContext
                            {
                                AllowPrivilegeEscalation = false,
                                ReadOnlyRootFilesystem = true,
                                Capabilities = new V1Capabilities { Drop = ["ALL"] },
                            },
                            // A read-only root filesystem still needs somewhere for temporary files.
                            VolumeMounts = [new V1VolumeMount { Name = "tmp", MountPath = "/tmp" }],
                        },
                    ],
                    Volumes = [new V1Volume { Name = "tmp", EmptyDir = new V1EmptyDirVolumeSource() }],
                },
            },
        },
    };

    private static V1Probe Probe(string path) => new()
    {
        HttpGet = new V1HTTPGetAction { Path = path, Port = "http" },
        PeriodSeconds = 10,
        FailureThreshold = 3,
    };

    private static V1Service Service(PublishSettings settings, string name, string component) => new()
    {
        ApiVersion = "v1", Kind = "Service",
        Metadata = new() { Name = name, NamespaceProperty = settings.Namespace, Labels = Labels(component) },
        Spec = new V1ServiceSpec
        {
            Selector = Selector(component).MatchLabels,
            Ports = [new V1ServicePort { Name = "http", Port = 80, TargetPort = "http", AppProtocol = "http" }],
        },
    };
}
