using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using AeroGrid.Tests.Infrastructure;
using AeroGrid.Tests.Infrastructure.Cluster;
using k8s;
using k8s.Models;

namespace AeroGrid.Tests.Operator.Kubernetes;

/// <summary>
/// The kubelet double runs pods bound to its node as processes, with their ConfigMap volumes, probes, restarts, logs
/// (read through the control plane's <c>pods/log</c>, over the kubelet's TLS) and Kaniko builds.
/// </summary>
public sealed class KubeletDoubleTests(KubeletFixture cluster) : IClassFixture<KubeletFixture>
{
    private const string SdkImage = "registry.example.com/aerogrid/env:sdk-only";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private IKubernetes Kubernetes => cluster.Kubernetes;

    [Fact]
    public async Task The_node_is_registered_Ready_with_the_kubelets_port_which_serves_TLS_from_its_CA()
    {
        var node = await Kubernetes.CoreV1.ReadNodeAsync(ClusterConventions.NodeName, cancellationToken: Cancellation);

        Assert.Equal("127.0.0.1", node.Status.Addresses.Single(a => a.Type == "InternalIP").Address);
        Assert.Equal(cluster.Kubelet.PodCidr, node.Spec.PodCIDR);
        Assert.Equal(cluster.Kubelet.Port, node.Status.DaemonEndpoints.KubeletEndpoint.Port);
        Assert.Equal("True", node.Status.Conditions.Single(c => c.Type == "Ready").Status);
        Assert.StartsWith("v1.33", node.Status.NodeInfo.KubeletVersion, StringComparison.Ordinal);
        using var handler = new SocketsHttpHandler();
        var trust = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck };
        trust.CustomTrustStore.ImportFromPemFile(cluster.Kubelet.CertificateAuthorityPath);
        handler.SslOptions.CertificateChainPolicy = trust;
        using var https = new HttpClient(handler);
        using var response = await https.GetAsync(new Uri($"https://127.0.0.1:{cluster.Kubelet.Port}/containerLogs/acme/nobody/app"), Cancellation);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task A_pod_with_a_mounted_app_becomes_Ready_answers_on_its_pod_IP_and_its_log_comes_through_the_API()
    {
        AddSdkImage();
        await FilesAsync("acme", "hello-files", new()
        {
            ["app.py"] = "from aerogrid import App\nprint('hello is starting', flush=True)\napp = App('hello')\n\n@app.get('/')\ndef index():\n    return {'message': 'hi'}\n",
        });
        await Kubernetes.CoreV1.CreateNamespacedPodAsync(AppPod("hello", "hello-files", ["python", "-m", "aerogrid", "/app/app.py"]), "acme", cancellationToken: Cancellation);

        var pod = await PodWhereAsync("acme", "hello", p => p.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true, "the pod is not Ready");

        Assert.Equal("Running", pod.Status.Phase);
        Assert.StartsWith(cluster.Kubelet.PodCidr[..^"0/24".Length], pod.Status.PodIP, StringComparison.Ordinal);
        Assert.NotNull(pod.Status.ContainerStatuses.Single().State.Running);
        using var http = new HttpClient();
        var answer = await http.GetFromJsonAsync<JsonObject>($"http://{pod.Status.PodIP}:8000/", Cancellation);
        Assert.Equal("hi", answer!["message"]!.GetValue<string>());
        await using var log = await Kubernetes.CoreV1.ReadNamespacedPodLogAsync("hello", "acme", cancellationToken: Cancellation);
        Assert.Contains("hello is starting", await new StreamReader(log).ReadToEndAsync(Cancellation), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_crashing_container_is_restarted_with_CrashLoopBackOff_and_its_last_termination()
    {
        AddSdkImage();
        await FilesAsync("globex", "crash-files", new() { ["app.py"] = "import sys\nprint('about to fail', flush=True)\nsys.exit(3)\n" });
        await Kubernetes.CoreV1.CreateNamespacedPodAsync(AppPod("crash", "crash-files", ["python", "/app/app.py"]), "globex", cancellationToken: Cancellation);

        var pod = await PodWhereAsync("globex", "crash", p =>
            p.Status?.ContainerStatuses?.SingleOrDefault() is { RestartCount: > 0, State.Waiting.Reason: "CrashLoopBackOff" }, "no CrashLoopBackOff");

        var status = pod.Status.ContainerStatuses.Single();
        Assert.Equal(3, status.LastState.Terminated.ExitCode);
        Assert.Equal("Error", status.LastState.Terminated.Reason);
        Assert.False(status.Ready);
        Assert.Equal("Running", pod.Status.Phase);
        await using var previous = await Kubernetes.CoreV1.ReadNamespacedPodLogAsync("crash", "globex", previous: true, cancellationToken: Cancellation);
        Assert.Contains("about to fail", await new StreamReader(previous).ReadToEndAsync(Cancellation), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_container_failing_its_liveness_probe_is_killed_and_restarted()
    {
        AddSdkImage();
        await FilesAsync("acme", "deaf-files", new() { ["app.py"] = "import time\ntime.sleep(600)\n" });
        var deaf = AppPod("deaf", "deaf-files", ["python", "/app/app.py"]);
        deaf.Spec.Containers[0].ReadinessProbe = null;
        deaf.Spec.Containers[0].LivenessProbe = new V1Probe { HttpGet = new V1HTTPGetAction { Path = "/healthz", Port = 8000 }, PeriodSeconds = 1, FailureThreshold = 2 };
        await Kubernetes.CoreV1.CreateNamespacedPodAsync(deaf, "acme", cancellationToken: Cancellation);

        var pod = await PodWhereAsync("acme", "deaf", p => p.Status?.ContainerStatuses?.SingleOrDefault()?.RestartCount > 0, "the container was not restarted");

        // SIGTERM ends Python, which has no handler for it here: 128 + 15.
        Assert.Equal(143, pod.Status.ContainerStatuses.Single().LastState.Terminated.ExitCode);
    }

    [Fact]
    public async Task A_pod_waits_in_ImagePullBackOff_until_its_image_is_on_the_node()
    {
        const string Image = "registry.example.com/aerogrid/env:late";
        await FilesAsync("globex", "late-files", new() { ["app.py"] = "import time\ntime.sleep(600)\n" });
        var late = AppPod("late", "late-files", ["python", "/app/app.py"]);
        late.Spec.Containers[0].Image = Image;
        late.Spec.Containers[0].ReadinessProbe = null;
        await Kubernetes.CoreV1.CreateNamespacedPodAsync(late, "globex", cancellationToken: Cancellation);

        var waiting = await PodWhereAsync("globex", "late", p =>
            p.Status?.ContainerStatuses?.SingleOrDefault()?.State?.Waiting?.Reason is "ErrImagePull" or "ImagePullBackOff", "the pull did not fail");
        Assert.Equal("Pending", waiting.Status.Phase);
        AddImage(Image, withSdk: false);

        await PodWhereAsync("globex", "late", p => p.Status?.Phase == "Running", "the pod did not run once its image was there");
    }

    [Fact]
    public async Task A_followed_log_ends_when_the_container_exits_and_mounted_paths_in_env_reach_the_secrets_items()
    {
        AddSdkImage();
        await Kubernetes.CoreV1.CreateNamespacedSecretAsync(new V1Secret
        {
            Metadata = new() { Name = "greeting" },
            StringData = new Dictionary<string, string> { ["word"] = "bonjour" },
        }, "acme", cancellationToken: Cancellation);
        await FilesAsync("acme", "talker-files", new()
        {
            ["app.py"] = "import os, time\nprint('one', flush=True)\ntime.sleep(1)\nprint(open(os.environ['GREETING']).read(), flush=True)\n",
        });
        var talker = AppPod("talker", "talker-files", ["python", "/app/app.py"]);
        talker.Spec.RestartPolicy = "Never";
        talker.Spec.Volumes.Add(new V1Volume { Name = "greeting", Secret = new V1SecretVolumeSource { SecretName = "greeting", Items = [new V1KeyToPath { Key = "word", Path = "the-word.txt" }] } });
        var container = talker.Spec.Containers[0];
        container.ReadinessProbe = null;
        container.VolumeMounts.Add(new V1VolumeMount { Name = "greeting", MountPath = "/etc/greeting" });
        container.Env.Add(new V1EnvVar { Name = "GREETING", Value = "/etc/greeting/the-word.txt" });
        await Kubernetes.CoreV1.CreateNamespacedPodAsync(talker, "acme", cancellationToken: Cancellation);
        await PodWhereAsync("acme", "talker", p => p.Status?.ContainerStatuses?.SingleOrDefault()?.State?.Running is not null, "the container does not run");

        await using var log = await Kubernetes.CoreV1.ReadNamespacedPodLogAsync("talker", "acme", follow: true, cancellationToken: Cancellation);
        var text = await new StreamReader(log).ReadToEndAsync(Cancellation);

        Assert.Equal("one\nbonjour\n", text);
        var pod = await PodWhereAsync("acme", "talker", p => p.Status?.Phase is "Succeeded" or "Failed", "the pod did not finish");
        Assert.Equal("Succeeded", pod.Status.Phase);
    }

    [Fact]
    public async Task Deleting_a_pod_kills_its_process_and_what_it_started_after_the_grace_period_when_SIGTERM_is_ignored()
    {
        AddSdkImage();
        await FilesAsync("acme", "stubborn-files", new()
        {
            ["app.py"] = "import signal, subprocess, time\nsignal.signal(signal.SIGTERM, signal.SIG_IGN)\nsubprocess.Popen(['sleep', '600'])\ntime.sleep(600)\n",
        });
        await Kubernetes.CoreV1.CreateNamespacedPodAsync(AppPod("stubborn", "stubborn-files", ["python", "/app/app.py"]), "acme", cancellationToken: Cancellation);
        await PodWhereAsync("acme", "stubborn", p => p.Status?.ContainerStatuses?.SingleOrDefault()?.State?.Running is not null, "the container does not run");
        var pid = cluster.Kubelet.ProcessId("acme", "stubborn", "app") ?? throw new InvalidOperationException("no process");
        var tree = await Eventually.GetAsync(() => Task.FromResult(LiveProcesses.Tree([pid]) is { Count: 2 } both ? both : null), Patience, "the child did not start");

        await Kubernetes.CoreV1.DeleteNamespacedPodAsync("stubborn", "acme", cancellationToken: Cancellation);

        await Eventually.TrueAsync(() => Task.FromResult(LiveProcesses.StillRunning(tree).Count == 0), Patience,
            () => $"still running: {string.Join(", ", LiveProcesses.StillRunning(tree))}");
    }

    [Fact]
    public async Task A_Kaniko_pod_builds_the_requirements_and_the_SDK_into_an_image_a_pod_then_runs_on()
    {
        Wheelhouse.AddWheel(cluster.Wheelhouse, "greeting", "1.0", "WORD = 'hello'\n");
        const string Image = "registry.example.com/aerogrid/env:greeting";
        await FilesAsync("acme", "build-greeting", new() { ["requirements.txt"] = "greeting==1.0\n", ["Dockerfile"] = "FROM python:3.12-slim\n" });
        await Kubernetes.CoreV1.CreateNamespacedPodAsync(KanikoPod("build-greeting", Image), "acme", cancellationToken: Cancellation);

        var pod = await PodWhereAsync("acme", "build-greeting", p => p.Status?.Phase is "Succeeded" or "Failed", "the build did not finish");

        Assert.Equal("Succeeded", pod.Status.Phase);
        Assert.Equal("Completed", pod.Status.ContainerStatuses.Single().State.Terminated.Reason);
        Assert.True(cluster.Kubelet.HasImage(Image));
        Assert.Contains("Successfully installed greeting-1.0", await LogAsync("acme", "build-greeting"), StringComparison.Ordinal);
        Assert.Contains(Image, cluster.Pushed);
        await FilesAsync("acme", "greeter-files", new() { ["app.py"] = "import aerogrid, greeting\nprint(greeting.WORD, flush=True)\n" });
        var greeter = AppPod("greeter", "greeter-files", ["python", "/app/app.py"]);
        greeter.Spec.RestartPolicy = "Never";
        greeter.Spec.Containers[0].Image = Image;
        greeter.Spec.Containers[0].ReadinessProbe = null;
        await Kubernetes.CoreV1.CreateNamespacedPodAsync(greeter, "acme", cancellationToken: Cancellation);
        var ran = await PodWhereAsync("acme", "greeter", p => p.Status?.Phase is "Succeeded" or "Failed", "the pod on the built image did not finish");
        Assert.Equal("hello\n", await LogAsync("acme", "greeter"));
        Assert.Equal("Succeeded", ran.Status.Phase);
    }

    [Fact]
    public async Task A_Kaniko_pod_with_a_requirement_pip_cannot_find_fails_with_pips_error_in_its_log()
    {
        const string Image = "registry.example.com/aerogrid/env:missing";
        await FilesAsync("globex", "build-missing", new() { ["requirements.txt"] = "no-such-package==9.9\n", ["Dockerfile"] = "FROM python:3.12-slim\n" });
        await Kubernetes.CoreV1.CreateNamespacedPodAsync(KanikoPod("build-missing", Image), "globex", cancellationToken: Cancellation);

        var pod = await PodWhereAsync("globex", "build-missing", p => p.Status?.Phase is "Succeeded" or "Failed", "the build did not finish");

        Assert.Equal("Failed", pod.Status.Phase);
        Assert.Equal(1, pod.Status.ContainerStatuses.Single().State.Terminated.ExitCode);
        Assert.False(cluster.Kubelet.HasImage(Image));
        Assert.Contains("No matching distribution found for no-such-package==9.9", await LogAsync("globex", "build-missing"), StringComparison.Ordinal);
    }

    private void AddSdkImage() => AddImage(SdkImage, withSdk: true);

    /// <summary>An image of Python packages as the platform builds them: the SDK alone, or nothing.</summary>
    private void AddImage(string reference, bool withSdk)
    {
        var image = Directory.CreateTempSubdirectory("aerogrid-image-").FullName;
        if (withSdk)
        {
            NodeImages.CopyDirectory(Path.Combine(RepoPaths.Root, "python", "aerogrid"), Path.Combine(image, "aerogrid"));
        }
        cluster.Kubelet.AddImage(reference, image);
        Directory.Delete(image, recursive: true);
    }

    private Task<V1ConfigMap> FilesAsync(string @namespace, string name, Dictionary<string, string> files) =>
        Kubernetes.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new() { Name = name }, Data = files }, @namespace, cancellationToken: Cancellation);

    /// <summary>A pod as the platform's Deployment runs an app: its files mounted at /app, a readiness probe on /healthz.</summary>
    private static V1Pod AppPod(string name, string files, List<string> command) => new()
    {
        Metadata = new() { Name = name },
        Spec = new V1PodSpec
        {
            NodeName = ClusterConventions.NodeName,
            TerminationGracePeriodSeconds = 1,
            Volumes = [new V1Volume { Name = "files", ConfigMap = new V1ConfigMapVolumeSource { Name = files } }],
            Containers =
            [
                new V1Container
                {
                    Name = "app",
                    Image = SdkImage,
                    Command = command,
                    WorkingDir = "/app",
                    Env = [new V1EnvVar { Name = "PORT", Value = "8000" }, new V1EnvVar { Name = "AEROGRID_HOST", Value = "0.0.0.0" }],
                    Ports = [new V1ContainerPort { Name = "http", ContainerPort = 8000 }],
                    VolumeMounts = [new V1VolumeMount { Name = "files", MountPath = "/app" }],
                    ReadinessProbe = new V1Probe { HttpGet = new V1HTTPGetAction { Path = "/healthz", Port = "http" }, PeriodSeconds = 1 },
                },
            ],
        },
    };

    /// <summary>A build pod as the platform's Kaniko Job makes one: the context (requirements.txt, Dockerfile) mounted from a ConfigMap.</summary>
    private static V1Pod KanikoPod(string name, string destination) => new()
    {
        Metadata = new() { Name = name },
        Spec = new V1PodSpec
        {
            NodeName = ClusterConventions.NodeName,
            RestartPolicy = "Never",
            Volumes = [new V1Volume { Name = "context", ConfigMap = new V1ConfigMapVolumeSource { Name = name } }],
            Containers =
            [
                new V1Container
                {
                    Name = "kaniko",
                    Image = "gcr.io/kaniko-project/executor:v1.23.2",
                    Args = ["--context=dir:///workspace", "--dockerfile=/workspace/Dockerfile", $"--destination={destination}"],
                    VolumeMounts = [new V1VolumeMount { Name = "context", MountPath = "/workspace" }],
                },
            ],
        },
    };

    private async Task<V1Pod?> PodWhere(string @namespace, string name, Func<V1Pod, bool> condition)
    {
        var pod = await Kubernetes.CoreV1.ReadNamespacedPodAsync(name, @namespace, cancellationToken: Cancellation);
        return condition(pod) ? pod : null;
    }

    private Task<V1Pod> PodWhereAsync(string @namespace, string name, Func<V1Pod, bool> condition, string waitingFor) =>
        Eventually.GetAsync(() => PodWhere(@namespace, name, condition), Patience, waitingFor);

    private async Task<string> LogAsync(string @namespace, string name)
    {
        await using var log = await Kubernetes.CoreV1.ReadNamespacedPodLogAsync(name, @namespace, cancellationToken: Cancellation);
        return await new StreamReader(log).ReadToEndAsync(Cancellation);
    }
}
