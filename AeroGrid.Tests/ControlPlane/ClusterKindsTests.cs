using System.Net;
using System.Text;
using AeroGrid.Api.Client;
using AeroGrid.Api.Resources;
using AeroGrid.Api.Resources.Istio;
using AeroGrid.Tests.Infrastructure;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace AeroGrid.Tests.ControlPlane;

/// <summary>
/// The Kubernetes kinds the cluster backend writes, stored by the control plane with kube-apiserver's conventions, through
/// KubernetesClient's own typed calls as the backend makes them.
/// </summary>
public sealed class ClusterKindsTests(ControlPlaneFixture server) : IClassFixture<ControlPlaneFixture>
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private async Task<IKubernetes> AdminAsync() => (await server.AdminApiAsync()).Kubernetes;

    [Fact]
    public async Task An_immutable_ConfigMap_keeps_its_files_and_refuses_a_change_naming_the_field()
    {
        var kubernetes = await AdminAsync();
        var created = await kubernetes.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap
        {
            Metadata = new() { Name = "files-1", Labels = new Dictionary<string, string> { ["aerogrid.io/app"] = "orders" } },
            Immutable = true,
            Data = new Dictionary<string, string> { ["app.py"] = "print('hi')\n", ["lib__util.py"] = "X = 1\n" },
        }, "acme", cancellationToken: Cancellation);

        Assert.True(created.Immutable);
        var read = await kubernetes.CoreV1.ReadNamespacedConfigMapAsync("files-1", "acme", cancellationToken: Cancellation);
        Assert.Equal("X = 1\n", read.Data["lib__util.py"]);
        read.Data["app.py"] = "print('changed')\n";
        var refused = await Assert.ThrowsAsync<HttpOperationException>(() =>
            kubernetes.CoreV1.ReplaceNamespacedConfigMapAsync(read, "files-1", "acme", cancellationToken: Cancellation));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.Response.StatusCode);
        Assert.Contains("\"field\":\"data\"", refused.Response.Content, StringComparison.Ordinal);
        Assert.Contains("field is immutable when `immutable` is set", Message(refused), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_ConfigMap_key_with_a_slash_is_refused()
    {
        var kubernetes = await AdminAsync();

        var refused = await Assert.ThrowsAsync<HttpOperationException>(() => kubernetes.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap
        {
            Metadata = new() { Name = "bad-key" },
            Data = new Dictionary<string, string> { ["lib/util.py"] = "" },
        }, "acme", cancellationToken: Cancellation));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.Response.StatusCode);
        Assert.Contains("data[lib/util.py]", refused.Response.Content, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_Secret_takes_stringData_into_data_and_never_gives_it_back()
    {
        var kubernetes = await AdminAsync();
        await kubernetes.CoreV1.CreateNamespacedSecretAsync(new V1Secret
        {
            Metadata = new() { Name = "registry-push" },
            Type = "kubernetes.io/dockerconfigjson",
            StringData = new Dictionary<string, string> { [".dockerconfigjson"] = "{\"auths\":{}}" },
        }, "acme", cancellationToken: Cancellation);

        var read = await kubernetes.CoreV1.ReadNamespacedSecretAsync("registry-push", "acme", cancellationToken: Cancellation);

        Assert.Equal("{\"auths\":{}}", Encoding.UTF8.GetString(read.Data[".dockerconfigjson"]));
        Assert.Null(read.StringData);
        Assert.Equal("kubernetes.io/dockerconfigjson", read.Type);
    }

    [Fact]
    public async Task A_Deployment_gets_kube_apiservers_defaults_a_generation_per_spec_change_and_keeps_its_selector()
    {
        var kubernetes = await AdminAsync();
        var created = await kubernetes.AppsV1.CreateNamespacedDeploymentAsync(Deployment("web"), "acme", cancellationToken: Cancellation);

        Assert.Equal(1, created.Metadata.Generation);
        Assert.Equal(600, created.Spec.ProgressDeadlineSeconds);
        Assert.Equal("RollingUpdate", created.Spec.Strategy.Type);
        Assert.Equal("25%", created.Spec.Strategy.RollingUpdate.MaxSurge.Value);
        Assert.Null(created.Status);

        created.Status = new V1DeploymentStatus { ObservedGeneration = 1, Replicas = 1, ReadyReplicas = 1 };
        var withStatus = await kubernetes.AppsV1.ReplaceNamespacedDeploymentStatusAsync(created, "web", "acme", cancellationToken: Cancellation);
        Assert.Equal(1, withStatus.Metadata.Generation);
        Assert.Equal(1, withStatus.Status.ReadyReplicas);

        withStatus.Spec.Replicas = 3;
        var scaled = await kubernetes.AppsV1.ReplaceNamespacedDeploymentAsync(withStatus, "web", "acme", cancellationToken: Cancellation);
        Assert.Equal(2, scaled.Metadata.Generation);
        Assert.Equal(1, scaled.Status.ReadyReplicas);

        scaled.Spec.Selector.MatchLabels["aerogrid.io/app"] = "other";
        scaled.Spec.Template.Metadata.Labels["aerogrid.io/app"] = "other";
        var refused = await Assert.ThrowsAsync<HttpOperationException>(() =>
            kubernetes.AppsV1.ReplaceNamespacedDeploymentAsync(scaled, "web", "acme", cancellationToken: Cancellation));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.Response.StatusCode);
        Assert.Contains("spec.selector", refused.Response.Content, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_Deployment_whose_selector_does_not_select_its_template_is_refused()
    {
        var kubernetes = await AdminAsync();
        var deployment = Deployment("mismatch");
        deployment.Spec.Template.Metadata.Labels["aerogrid.io/app"] = "someone-else";

        var refused = await Assert.ThrowsAsync<HttpOperationException>(() =>
            kubernetes.AppsV1.CreateNamespacedDeploymentAsync(deployment, "acme", cancellationToken: Cancellation));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.Response.StatusCode);
        Assert.Contains("`selector` does not match template `labels`", Message(refused), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_Job_selects_its_own_pods_by_its_uid()
    {
        var kubernetes = await AdminAsync();
        var job = await kubernetes.BatchV1.CreateNamespacedJobAsync(new V1Job
        {
            Metadata = new() { Name = "build-abc" },
            Spec = new V1JobSpec
            {
                BackoffLimit = 0,
                Template = new V1PodTemplateSpec
                {
                    Spec = new V1PodSpec { RestartPolicy = "Never", Containers = [new V1Container { Name = "kaniko", Image = "kaniko" }] },
                },
            },
        }, "acme", cancellationToken: Cancellation);

        Assert.Equal(job.Metadata.Uid, job.Spec.Selector.MatchLabels["batch.kubernetes.io/controller-uid"]);
        Assert.Equal(job.Metadata.Uid, job.Spec.Template.Metadata.Labels["batch.kubernetes.io/controller-uid"]);
        Assert.Equal("build-abc", job.Spec.Template.Metadata.Labels["batch.kubernetes.io/job-name"]);
        Assert.Equal(0, job.Spec.BackoffLimit);
    }

    [Fact]
    public async Task Deleting_an_App_collects_what_it_owns_down_to_the_pods()
    {
        using var api = await server.AdminApiAsync();
        var kubernetes = api.Kubernetes;
        var app = await api.Apps.CreateAsync(new App
        {
            Metadata = new() { Name = "owner", NamespaceProperty = "acme" },
            Spec = new AppSpec { Files = [new AppFile { Path = "app.py", Content = "print(1)\n" }] },
        }, Cancellation);
        await kubernetes.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap
        {
            Metadata = new() { Name = "owner-files", OwnerReferences = [Owner(app.ApiVersion, app.Kind, app.Metadata)] },
        }, "acme", cancellationToken: Cancellation);
        var deployment = Deployment("owner");
        deployment.Metadata.OwnerReferences = [Owner(app.ApiVersion, app.Kind, app.Metadata)];
        deployment = await kubernetes.AppsV1.CreateNamespacedDeploymentAsync(deployment, "acme", cancellationToken: Cancellation);
        var replicaSet = await kubernetes.AppsV1.CreateNamespacedReplicaSetAsync(new V1ReplicaSet
        {
            Metadata = new() { Name = "owner-1", OwnerReferences = [Owner("apps/v1", "Deployment", deployment.Metadata)] },
            Spec = new V1ReplicaSetSpec { Selector = deployment.Spec.Selector, Template = deployment.Spec.Template },
        }, "acme", cancellationToken: Cancellation);
        await kubernetes.CoreV1.CreateNamespacedPodAsync(new V1Pod
        {
            Metadata = new() { Name = "owner-1-x", OwnerReferences = [Owner("apps/v1", "ReplicaSet", replicaSet.Metadata)] },
            Spec = deployment.Spec.Template.Spec,
        }, "acme", cancellationToken: Cancellation);

        await api.Apps.DeleteAsync("acme", "owner", Cancellation);

        await Eventually.TrueAsync(async () =>
            (await kubernetes.CoreV1.ListNamespacedPodAsync("acme", fieldSelector: "metadata.name=owner-1-x", cancellationToken: Cancellation)).Items.Count == 0
            && (await kubernetes.CoreV1.ListNamespacedConfigMapAsync("acme", fieldSelector: "metadata.name=owner-files", cancellationToken: Cancellation)).Items.Count == 0,
            TimeSpan.FromSeconds(60), () => "the App's ConfigMap and the pod of its Deployment's ReplicaSet were not collected");
        Assert.Empty((await kubernetes.AppsV1.ListNamespacedDeploymentAsync("acme", fieldSelector: "metadata.name=owner", cancellationToken: Cancellation)).Items);
    }

    [Fact]
    public async Task A_VirtualService_round_trips_its_route()
    {
        using var api = await server.AdminApiAsync();
        var virtualServices = new ResourceClient<VirtualService>(api.Kubernetes, ResourceDefinitions.VirtualService);
        await virtualServices.CreateAsync(new VirtualService
        {
            Metadata = new() { Name = "orders", NamespaceProperty = "acme" },
            Spec = new VirtualServiceSpec
            {
                Hosts = ["*"],
                Gateways = ["aerogrid-system/aerogrid"],
                Http =
                [
                    new HttpRoute
                    {
                        Match = [new HttpMatchRequest { Uri = new StringMatch { Prefix = "/apps/acme/orders/" } }],
                        Rewrite = new HttpRewrite { Uri = "/" },
                        Route = [new HttpRouteDestination { Destination = new Destination { Host = "orders.acme.svc.cluster.local", Port = new PortSelector { Number = 80 } } }],
                    },
                ],
            },
        }, Cancellation);

        var read = await virtualServices.GetAsync("acme", "orders", Cancellation);

        Assert.Equal("/apps/acme/orders/", read.Spec.Http![0].Match![0].Uri!.Prefix);
        Assert.Equal(80, read.Spec.Http[0].Route![0].Destination.Port!.Number);
    }

    [Fact]
    public async Task A_tenant_reaches_none_of_the_cluster_kinds_even_in_its_own_namespace()
    {
        using var tenant = server.Client(await server.TokenAsync("acme", "apps:read", "apps:write"));

        foreach (var path in new[] { "/api/v1/namespaces/acme/secrets", "/api/v1/namespaces/acme/configmaps", "/apis/apps/v1/namespaces/acme/deployments", "/api/v1/namespaces/acme/pods" })
        {
            var (status, body) = await tenant.GetJsonAsync(path);
            Assert.Equal(HttpStatusCode.Forbidden, status);
            Assert.Equal("Forbidden", body.Str("reason"));
        }
    }

    [Fact]
    public async Task Discovery_lists_the_cluster_kinds_where_kubectl_looks_for_them()
    {
        using var http = new HttpClient { BaseAddress = server.Url };

        var (_, core) = await http.GetJsonAsync("/api/v1");
        var (_, apps) = await http.GetJsonAsync("/apis/apps/v1");
        var (_, istio) = await http.GetJsonAsync("/apis/networking.istio.io/v1");

        Assert.Contains("configmaps", core.ToJsonString(), StringComparison.Ordinal);
        Assert.Contains("pods/log", core.ToJsonString(), StringComparison.Ordinal);
        Assert.Contains("deployments/status", apps.ToJsonString(), StringComparison.Ordinal);
        Assert.Contains("virtualservices", istio.ToJsonString(), StringComparison.Ordinal);
        var (_, openApi) = await http.GetJsonAsync("/openapi/v3/apis/apps/v1");
        var deployment = openApi["components"]?["schemas"]?["io.k8s.api.apps.v1.Deployment"];
        Assert.Equal("object", deployment.Str("properties.spec.properties.template.type"));
    }

    [Fact]
    public async Task A_pod_not_on_a_node_is_selected_by_an_empty_node_name_and_its_log_is_a_clear_400()
    {
        var kubernetes = await AdminAsync();
        await kubernetes.CoreV1.CreateNamespacedPodAsync(new V1Pod
        {
            Metadata = new() { Name = "unscheduled" },
            Spec = new V1PodSpec { Containers = [new V1Container { Name = "app", Image = "python" }] },
        }, "acme", cancellationToken: Cancellation);

        var refused = await Assert.ThrowsAsync<HttpOperationException>(() =>
            kubernetes.CoreV1.ReadNamespacedPodLogAsync("unscheduled", "acme", cancellationToken: Cancellation));

        Assert.Equal(HttpStatusCode.BadRequest, refused.Response.StatusCode);
        Assert.Contains("is waiting to start", refused.Response.Content, StringComparison.Ordinal);
        var unbound = await kubernetes.CoreV1.ListNamespacedPodAsync("acme", fieldSelector: "spec.nodeName=", cancellationToken: Cancellation);
        Assert.Contains(unbound.Items, pod => pod.Metadata.Name == "unscheduled");
        var onNode = await kubernetes.CoreV1.ListNamespacedPodAsync("acme", fieldSelector: "spec.nodeName=node-1", cancellationToken: Cancellation);
        Assert.DoesNotContain(onNode.Items, pod => pod.Metadata.Name == "unscheduled");
    }

    private static string Message(HttpOperationException refused) => (string)System.Text.Json.Nodes.JsonNode.Parse(refused.Response.Content)!["message"]!;

    private static V1Deployment Deployment(string name)
    {
        var labels = new Dictionary<string, string> { ["aerogrid.io/app"] = name };
        return new V1Deployment
        {
            Metadata = new() { Name = name },
            Spec = new V1DeploymentSpec
            {
                Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string>(labels) },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new() { Labels = new Dictionary<string, string>(labels) },
                    Spec = new V1PodSpec { Containers = [new V1Container { Name = "app", Image = "registry.example/env:abc" }] },
                },
            },
        };
    }

    private static V1OwnerReference Owner(string apiVersion, string kind, V1ObjectMeta owner) =>
        new() { ApiVersion = apiVersion, Kind = kind, Name = owner.Name, Uid = owner.Uid, Controller = true, BlockOwnerDeletion = true };
}
