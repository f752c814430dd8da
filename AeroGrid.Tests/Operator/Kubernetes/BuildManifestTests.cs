using System.Text;
using AeroGrid.Api.Resources;
using AeroGrid.Api.Validation;
using AeroGrid.Operator.Workloads.Kubernetes;
using AeroGrid.Tests.Infrastructure;
using k8s;
using k8s.Models;
using static AeroGrid.Tests.Operator.Kubernetes.ManifestSamples;

namespace AeroGrid.Tests.Operator.Kubernetes;

/// <summary>The build of one environment in a cluster: its context ConfigMap and its Kaniko Job.</summary>
public sealed class BuildManifestTests
{
    private static readonly Image Owner = ImageOf(OrdersApp());
    private static readonly string Hash = ImageHash.Of(Owner.Spec);

    private static V1Container Kaniko(V1Job job) => Assert.Single(job.Spec.Template.Spec.Containers);

    [Fact]
    public async Task Both_build_objects_validate_strictly_against_the_kubernetes_schemas()
    {
        var problems = await SchemaProblemsAsync(Builds.Context(Owner), Builds.Job(Owner));
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void The_image_reference_is_the_registry_the_repository_and_the_hash() =>
        Assert.Equal("registry.example.com:5000/aerogrid/env:0123abcd", Options.ImageReference("0123abcd"));

    [Fact]
    public void Both_are_named_by_the_hash_labelled_with_it_and_owned_by_the_image_in_its_namespace()
    {
        foreach (var metadata in new[] { Builds.Context(Owner).Metadata, Builds.Job(Owner).Metadata })
        {
            Assert.Equal("build-" + Hash[..12], metadata.Name);
            Assert.Equal("acme", metadata.NamespaceProperty);
            Assert.Equal(Hash, metadata.Labels[WorkloadLabels.ImageHash]);
            var owner = Assert.Single(metadata.OwnerReferences);
            Assert.Equal((Image.KindName, Owner.Metadata.Name, Owner.Metadata.Uid, true, true),
                (owner.Kind, owner.Name, owner.Uid, owner.Controller, owner.BlockOwnerDeletion));
        }
    }

    [Fact]
    public void The_build_objects_names_and_label_values_are_valid_in_the_longest_namespace()
    {
        var owner = Owner with { Metadata = new() { Name = Owner.Metadata.Name, NamespaceProperty = new string('t', 63), Uid = "u" } };
        var errors = new[] { Builds.Context(owner).Metadata, Builds.Job(owner).Metadata, Builds.Job(owner).Spec.Template.Metadata }
            .SelectMany(m => NameValidation.LabelErrors(m.Labels, "labels"))
            .Concat(NameValidation.Dns1123LabelErrors(Builds.Job(owner).Metadata.Name, "job"));
        Assert.Empty(errors);
    }

    [Fact]
    public void The_job_takes_its_backoff_deadline_and_ttl_from_the_options_and_never_restarts_a_pod()
    {
        var options = new KubernetesBackendOptions
        {
            Registry = "r", Repository = "e", BuildDeadline = TimeSpan.FromMinutes(7), BuildBackoffLimit = 1, BuildTtl = TimeSpan.FromMinutes(30),
        };
        var spec = new BuildManifests(Microsoft.Extensions.Options.Options.Create(options)).Job(Owner).Spec;
        Assert.Equal((1, 420L, 1800), (spec.BackoffLimit, spec.ActiveDeadlineSeconds, spec.TtlSecondsAfterFinished));
        Assert.Equal(0, Builds.Job(Owner).Spec.BackoffLimit);
        Assert.Equal("Never", spec.Template.Spec.RestartPolicy);
    }

    [Fact]
    public void Kaniko_builds_the_mounted_context_and_pushes_the_environments_reference_with_a_layer_cache()
    {
        var job = Builds.Job(Owner);
        var kaniko = Kaniko(job);
        Assert.Equal(("kaniko", Options.KanikoImage), (kaniko.Name, kaniko.Image));
        Assert.Contains("--context=dir:///workspace", kaniko.Args);
        Assert.Contains("--dockerfile=/workspace/Dockerfile", kaniko.Args);
        Assert.Contains($"--destination={Options.ImageReference(Hash)}", kaniko.Args);
        Assert.Contains("--cache=true", kaniko.Args);
        Assert.Contains("--cache-repo=registry.example.com:5000/aerogrid/env/cache", kaniko.Args);
        Assert.Contains("--snapshot-mode=redo", kaniko.Args);
        Assert.Contains("--digest-file=/dev/termination-log", kaniko.Args);
        Assert.Equal("FallbackToLogsOnError", kaniko.TerminationMessagePolicy);

        // Each context file at its path in /workspace, as the file itself (subPath), from the context ConfigMap.
        var context = Builds.Context(Owner);
        var volumes = job.Spec.Template.Spec.Volumes.ToDictionary(v => v.Name);
        var mounted = kaniko.VolumeMounts.Where(m => volumes[m.Name].ConfigMap is not null).ToList();
        Assert.All(mounted, m => Assert.Equal(context.Metadata.Name, volumes[m.Name].ConfigMap.Name));
        Assert.Equal(
            context.Data.Keys.Order(StringComparer.Ordinal),
            mounted.Select(m => m.SubPath).Order(StringComparer.Ordinal));
        Assert.Contains(mounted, m => m is { MountPath: "/workspace/aerogrid/__init__.py", SubPath: "aerogrid____init__.py" });
        Assert.Contains(mounted, m => m is { MountPath: "/workspace/requirements.txt", SubPath: "requirements.txt" });
    }

    [Fact]
    public void The_push_secret_becomes_kanikos_docker_config()
    {
        var job = Builds.Job(Owner);
        var mount = Assert.Single(Kaniko(job).VolumeMounts, m => m.MountPath == "/kaniko/.docker");
        var secret = job.Spec.Template.Spec.Volumes.Single(v => v.Name == mount.Name).Secret;
        Assert.Equal("aerogrid-registry-push", secret.SecretName);
        var item = Assert.Single(secret.Items);
        Assert.Equal((".dockerconfigjson", "config.json"), (item.Key, item.Path));
    }

    [Fact]
    public void The_build_pod_has_no_token_no_mesh_sidecar_and_a_memory_limit()
    {
        var pod = Builds.Job(Owner).Spec.Template;
        Assert.False(pod.Spec.AutomountServiceAccountToken);
        Assert.Equal("false", pod.Metadata.Labels["sidecar.istio.io/inject"]);
        var resources = Kaniko(Builds.Job(Owner)).Resources;
        Assert.True(resources.Requests.ContainsKey("cpu") && resources.Requests.ContainsKey("memory"));
        Assert.True(resources.Limits.ContainsKey("memory"));
    }

    [Fact]
    public void The_dockerfile_starts_from_the_base_image_installs_the_requirements_and_the_sdk_and_runs_as_10001_in_app()
    {
        var context = Builds.Context(Owner);
        Assert.True(context.Immutable);
        Assert.Equal("requests==2.32.3\n", context.Data["requirements.txt"]);
        var lines = context.Data["Dockerfile"].Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("FROM python:3.12-slim", lines[0]);
        Assert.Contains("COPY requirements.txt /opt/aerogrid/requirements.txt", lines);
        Assert.Contains("RUN pip install --requirement /opt/aerogrid/requirements.txt", lines);
        Assert.Contains("COPY aerogrid/ /opt/aerogrid/aerogrid/", lines);
        Assert.Contains(lines, l => l.StartsWith("ENV ", StringComparison.Ordinal) && l.Contains("PYTHONPATH=/opt/aerogrid", StringComparison.Ordinal));
        Assert.Equal(["USER 10001:10001", "WORKDIR /app"], lines.Where(l => l.StartsWith("USER", StringComparison.Ordinal) || l.StartsWith("WORKDIR", StringComparison.Ordinal)));
    }

    [Fact]
    public void The_context_carries_the_sdk_as_it_is_in_the_repository_and_fits_a_configmap()
    {
        var sdk = Path.Combine(RepoPaths.Root, "python", "aerogrid");
        var onDisk = Directory.EnumerateFiles(sdk, "*.py", SearchOption.AllDirectories)
            .ToDictionary(f => "aerogrid/" + Path.GetRelativePath(sdk, f).Replace('\\', '/'), File.ReadAllText);
        Assert.Contains("aerogrid/__main__.py", onDisk.Keys);
        Assert.Equal(onDisk.OrderBy(f => f.Key, StringComparer.Ordinal), SdkFiles.Files.Select(f => KeyValuePair.Create(f.Path, f.Content)));
        var data = Builds.Context(Owner).Data;
        Assert.All(onDisk, file => Assert.Equal(file.Value, data[ConfigMapFiles.Key(file.Key)]));
        Assert.True(Encoding.UTF8.GetByteCount(KubernetesJson.Serialize(Builds.Context(Owner))) < 1024 * 1024);
    }
}
