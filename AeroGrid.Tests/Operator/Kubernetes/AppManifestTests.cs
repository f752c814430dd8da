using AeroGrid.Api.Resources;
using AeroGrid.Api.Validation;
using AeroGrid.Operator.Workloads;
using AeroGrid.Operator.Workloads.Kubernetes;
using AeroGrid.Tests.Infrastructure;
using AeroGrid.Tests.Infrastructure.Cluster;
using k8s.Models;
using static AeroGrid.Tests.Operator.Kubernetes.ManifestSamples;

namespace AeroGrid.Tests.Operator.Kubernetes;

/// <summary>The objects one App revision becomes in a cluster, checked as the API server and the mesh would read them.</summary>
public sealed class AppManifestTests
{
    private static readonly App Owner = OrdersApp();
    private static readonly AppRevision Revision3 = RevisionOf(Owner);

    private static V1Container Container(V1Deployment deployment) => Assert.Single(deployment.Spec.Template.Spec.Containers);

    [Fact]
    public async Task Every_object_of_a_revision_validates_strictly_against_the_kubernetes_and_istio_schemas()
    {
        var problems = await SchemaProblemsAsync(
            AppManifests.ConfigMap(Owner, Revision3), Apps.Deployment(Owner, Revision3), AppManifests.Service(Owner), Apps.VirtualService(Owner));
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    /// <summary>Proof that the check above can fail: each row damages one field the mesh or the API server reads.</summary>
    [Theory]
    [InlineData("VirtualService", "/spec/http/0/rewrite/uri", "1")]
    [InlineData("VirtualService", "/spec/http/0/match/0/uri/prefixx", "\"/apps/\"")]
    [InlineData("Deployment", "/spec/template/spec/containers/0/ports/0/containerPort", "\"8000\"")]
    [InlineData("ConfigMap", "/immutable", "\"yes\"")]
    public async Task A_damaged_object_is_refused(string kind, string pointer, string json)
    {
        object obj = kind switch
        {
            "VirtualService" => Apps.VirtualService(Owner),
            "Deployment" => Apps.Deployment(Owner, Revision3),
            _ => AppManifests.ConfigMap(Owner, Revision3),
        };
        var document = Json(obj);
        JsonEdits.Replace(document, pointer, json);
        Assert.NotEmpty(await ManifestSchemas.ProblemsAsync(document));
    }

    [Fact]
    public void The_files_configmap_is_immutable_named_by_the_hash_and_round_trips_every_file_including_a_nested_one()
    {
        var configMap = AppManifests.ConfigMap(Owner, Revision3);
        Assert.Equal("orders-2f1c9e0b7a", configMap.Metadata.Name);
        Assert.True(configMap.Immutable);
        Assert.Equal("lib__util.py", ConfigMapFiles.Key("lib/util.py"));
        Assert.All(configMap.Data.Keys, key => Assert.Matches("^[-._a-zA-Z0-9]+$", key));

        // What the kubelet writes into /app: each item's key's data at the item's path.
        var volume = Apps.Deployment(Owner, Revision3).Spec.Template.Spec.Volumes.Single(v => v.ConfigMap is not null);
        Assert.Equal(configMap.Metadata.Name, volume.ConfigMap.Name);
        var mounted = volume.ConfigMap.Items.ToDictionary(item => item.Path, item => configMap.Data[item.Key]);
        Assert.Equal(Files.ToDictionary(f => f.Path, f => f.Content), mounted);
    }

    [Fact]
    public void Each_object_is_in_the_apps_namespace_owned_by_the_app_as_its_controller()
    {
        foreach (var metadata in new[]
        {
            AppManifests.ConfigMap(Owner, Revision3).Metadata,
            Apps.Deployment(Owner, Revision3).Metadata,
            AppManifests.Service(Owner).Metadata,
            Apps.VirtualService(Owner).Metadata,
        })
        {
            Assert.Equal("acme", metadata.NamespaceProperty);
            var owner = Assert.Single(metadata.OwnerReferences);
            Assert.Equal((AeroGridApi.GroupVersion, App.KindName, "orders", Owner.Metadata.Uid, true, true),
                (owner.ApiVersion, owner.Kind, owner.Name, owner.Uid, owner.Controller, owner.BlockOwnerDeletion));
            Assert.Equal("aerogrid", metadata.Labels[WorkloadLabels.ManagedBy]);
            Assert.Equal("acme", metadata.Labels[WorkloadLabels.Tenant]);
            Assert.Equal("orders", metadata.Labels[WorkloadLabels.App]);
        }
    }

    [Fact]
    public void An_app_with_the_longest_name_gets_valid_names_and_label_values()
    {
        var app = OrdersApp() with { Metadata = new() { Name = "a" + new string('b', 62), NamespaceProperty = new string('t', 63), Uid = "u" } };
        var revision = RevisionOf(app);
        var configMap = AppManifests.ConfigMap(app, revision);
        var deployment = Apps.Deployment(app, revision);
        var service = AppManifests.Service(app);
        var errors = NameValidation.Dns1123SubdomainErrors(configMap.Metadata.Name, "configMap")
            .Concat(NameValidation.Dns1035LabelErrors(service.Metadata.Name, "service"))
            .Concat(NameValidation.Dns1123SubdomainErrors(deployment.Metadata.Name, "deployment"))
            .Concat(new[] { configMap.Metadata, deployment.Metadata, deployment.Spec.Template.Metadata, service.Metadata, Apps.VirtualService(app).Metadata }
                .SelectMany(m => NameValidation.LabelErrors(m.Labels, "labels")));
        Assert.Empty(errors);
    }

    [Fact]
    public void The_selector_names_the_app_only_and_the_pods_carry_the_revision_and_its_hash()
    {
        var deployment = Apps.Deployment(Owner, Revision3);
        var selector = new Dictionary<string, string> { [WorkloadLabels.App] = "orders" };
        Assert.Equal(selector, deployment.Spec.Selector.MatchLabels);
        Assert.Equal(selector, AppManifests.Service(Owner).Spec.Selector);
        var podLabels = deployment.Spec.Template.Metadata.Labels;
        Assert.Equal("3", podLabels[WorkloadLabels.Revision]);
        Assert.Equal("2f1c9e0b7a64d3e5", podLabels[WorkloadLabels.RevisionHash]);
        Assert.Equal("orders", podLabels[WorkloadLabels.Name]);
        Assert.Subset(podLabels.ToHashSet(), selector.ToHashSet());
        Assert.Contains("revision 3", deployment.Metadata.Annotations["kubernetes.io/change-cause"], StringComparison.Ordinal);
    }

    [Fact]
    public void The_deployment_adds_a_pod_before_it_removes_one_and_fails_past_the_progress_deadline()
    {
        var spec = Apps.Deployment(Owner, Revision3).Spec;
        Assert.Equal(2, spec.Replicas);
        Assert.Equal("RollingUpdate", spec.Strategy.Type);
        Assert.Equal("0", spec.Strategy.RollingUpdate.MaxUnavailable.Value);
        Assert.Equal("1", spec.Strategy.RollingUpdate.MaxSurge.Value);
        Assert.Equal((int)Options.ProgressDeadline.TotalSeconds, spec.ProgressDeadlineSeconds);
        Assert.NotNull(spec.RevisionHistoryLimit);
    }

    [Fact]
    public void The_container_sends_its_request_spans_to_the_configured_otlp_http_endpoint_named_after_app_and_tenant()
    {
        var env = Container(Apps.Deployment(Owner, Revision3)).Env.ToDictionary(e => e.Name, e => e.Value);
        var (tenant, app) = (Owner.Metadata.NamespaceProperty, Owner.Metadata.Name);
        Assert.Equal(Telemetry.OtlpEndpoint, env["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        Assert.Equal("http/protobuf", env["OTEL_EXPORTER_OTLP_PROTOCOL"]);
        Assert.Equal($"{app}.{tenant}", env["OTEL_SERVICE_NAME"]);
        Assert.Equal($"service.namespace={tenant},service.version=3,aerogrid.tenant={tenant},aerogrid.app={app},aerogrid.revision=3", env["OTEL_RESOURCE_ATTRIBUTES"]);
        Assert.Equal(("parentbased_traceidratio", "0.1"), (env["OTEL_TRACES_SAMPLER"], env["OTEL_TRACES_SAMPLER_ARG"]));

        var untraced = new AppManifests(Microsoft.Extensions.Options.Options.Create(Options), Microsoft.Extensions.Options.Options.Create(new AppTelemetryOptions()));
        Assert.DoesNotContain(Container(untraced.Deployment(Owner, Revision3)).Env, e => e.Name.StartsWith("OTEL_", StringComparison.Ordinal));
    }

    [Fact]
    public void The_container_starts_the_sdk_on_the_revisions_image_as_the_local_backend_does()
    {
        var container = Container(Apps.Deployment(Owner, Revision3));
        Assert.Equal("app", container.Name);
        Assert.Equal($"registry.example.com:5000/aerogrid/env:{ImageHash.Of(Owner.Spec)}", container.Image);
        Assert.Equal(["python", "-m", "aerogrid"], container.Command);
        Assert.Equal("/app", container.WorkingDir);
        var env = container.Env.ToDictionary(e => e.Name, e => e.Value);
        Assert.Equal("8000", env["PORT"]);
        Assert.Equal("0.0.0.0", env["AEROGRID_HOST"]);
        Assert.Equal("app.py", env["AEROGRID_ENTRYPOINT"]);
        Assert.Equal("debug", env["LOG_LEVEL"]);
        var port = Assert.Single(container.Ports);
        Assert.Equal(("http", 8000), (port.Name, port.ContainerPort));
        foreach (var probe in new[] { container.StartupProbe, container.ReadinessProbe, container.LivenessProbe })
        {
            Assert.Equal(("/healthz", "http"), (probe.HttpGet.Path, probe.HttpGet.Port.Value));
        }
        var files = container.VolumeMounts.Single(m => m.MountPath == "/app");
        Assert.True(files.ReadOnlyProperty);
        Assert.Equal("FallbackToLogsOnError", container.TerminationMessagePolicy);
    }

    [Fact]
    public void The_pod_runs_as_a_non_root_user_on_a_read_only_root_without_a_token_or_service_links()
    {
        var pod = Apps.Deployment(Owner, Revision3).Spec.Template.Spec;
        Assert.False(pod.AutomountServiceAccountToken);
        Assert.False(pod.EnableServiceLinks);
        Assert.Equal((true, 10001L, 10001L, 10001L, "RuntimeDefault"),
            (pod.SecurityContext.RunAsNonRoot, pod.SecurityContext.RunAsUser, pod.SecurityContext.RunAsGroup, pod.SecurityContext.FsGroup, pod.SecurityContext.SeccompProfile.Type));
        var container = Assert.Single(pod.Containers).SecurityContext;
        Assert.Equal((true, false), (container.ReadOnlyRootFilesystem, container.AllowPrivilegeEscalation));
        Assert.Equal(["ALL"], container.Capabilities.Drop);
        var tmp = Assert.Single(Assert.Single(pod.Containers).VolumeMounts, m => m.MountPath == "/tmp");
        Assert.NotNull(pod.Volumes.Single(v => v.Name == tmp.Name).EmptyDir);
    }

    [Fact]
    public void Without_resources_in_the_spec_a_process_gets_the_defaults_and_no_cpu_limit()
    {
        var resources = Container(Apps.Deployment(Owner, Revision3)).Resources;
        Assert.Equal(new Dictionary<string, string> { ["cpu"] = "50m", ["memory"] = "128Mi" }, resources.Requests.ToDictionary(q => q.Key, q => q.Value.ToString()));
        Assert.Equal(new Dictionary<string, string> { ["memory"] = "512Mi" }, resources.Limits.ToDictionary(q => q.Key, q => q.Value.ToString()));
    }

    [Fact]
    public void Quantities_from_the_spec_override_the_defaults_one_by_one()
    {
        var app = OrdersApp(new AppResources { Requests = new() { Memory = "256Mi" }, Limits = new() { Cpu = "2", Memory = "1Gi" } });
        var resources = Container(Apps.Deployment(app, RevisionOf(app))).Resources;
        Assert.Equal(new Dictionary<string, string> { ["cpu"] = "50m", ["memory"] = "256Mi" }, resources.Requests.ToDictionary(q => q.Key, q => q.Value.ToString()));
        Assert.Equal(new Dictionary<string, string> { ["cpu"] = "2", ["memory"] = "1Gi" }, resources.Limits.ToDictionary(q => q.Key, q => q.Value.ToString()));
    }

    [Fact]
    public void The_service_forwards_port_80_named_http_to_the_containers_http_port()
    {
        var port = Assert.Single(AppManifests.Service(Owner).Spec.Ports);
        Assert.Equal(("http", 80, "http"), (port.Name, port.Port, port.TargetPort.Value));
    }

    [Theory]
    [InlineData("/apps/acme/orders/x?q=1", "/x?q=1")]
    [InlineData("/apps/acme/orders/", "/")]
    [InlineData("/apps/acme/orders", "/")]
    [InlineData("/apps/acme/orders?q=1", "/?q=1")]
    [InlineData("/apps/acme/orders/grids/orders/events", "/grids/orders/events")]
    public void The_virtual_service_sends_the_apps_path_to_its_service_rewritten_to_the_root(string request, string received)
    {
        var service = Apps.VirtualService(Owner);
        Assert.Equal(["*"], service.Spec.Hosts);
        Assert.Equal([Options.Gateway], service.Spec.Gateways);
        Assert.Equal(("orders.acme.svc.cluster.local", 80, received), IstioRoutingDouble.Route(service, request));
    }

    [Theory]
    [InlineData("/apps/acme/ordersx")]
    [InlineData("/apps/acme/orders-v2/x")]
    [InlineData("/apps/other/orders/x")]
    public void The_virtual_service_leaves_other_apps_paths_alone(string request) =>
        Assert.Null(IstioRoutingDouble.Route(Apps.VirtualService(Owner), request));
}
