using System.Net;
using AeroGrid.Api.Resources;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Options;

namespace AeroGrid.Operator.Workloads.Kubernetes;

/// <summary>
/// Builds environments in the cluster: a tag that the registry already has is ready at once; else a Kaniko Job builds
/// the image from a generated build context and pushes <c>&lt;registry&gt;/&lt;repository&gt;:&lt;hash&gt;</c>.
/// </summary>
/// <remarks>
/// The Job and its context run in the Image's namespace and are owned by it, so they go with it (a finished Job sooner,
/// by its <c>ttlSecondsAfterFinished</c>). The registry lookup reads the push Secret of the platform namespace; the Job
/// mounts the tenant namespace's copy, as a Secret mounts only in its own namespace.
/// </remarks>
internal sealed class KubernetesImageBuilder(
    IKubernetes kubernetes, BuildManifests manifests, OciRegistryClient registry, IOptions<KubernetesBackendOptions> options)
    : IImageBuilder
{
    private const int LogTailLines = 30;
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

    private KubernetesBackendOptions Options => options.Value;

    public async Task<string?> TryGetReadyAsync(string hash, CancellationToken cancellationToken)
    {
        var credentials = await PushCredentialsAsync(cancellationToken);
        return await registry.HasManifestAsync(Options.Registry, Options.Repository, hash, credentials, cancellationToken)
            ? Options.ImageReference(hash)
            : null;
    }

    public async Task<string> BuildAsync(Image image, string hash, CancellationToken cancellationToken)
    {
        var @namespace = image.Metadata.NamespaceProperty!;
        await CreateContextAsync(manifests.Context(image), cancellationToken);
        var job = await CreateOrAdoptJobAsync(manifests.Job(image), cancellationToken);
        while (true)
        {
            job = await kubernetes.BatchV1.ReadNamespacedJobAsync(job.Metadata.Name, @namespace, cancellationToken: cancellationToken);
            if (Condition(job, "Complete") is { Status: "True" })
            {
                await DeleteContextAsync(@namespace, hash, cancellationToken);
                return Options.ImageReference(hash);
            }
            if (Condition(job, "Failed") is { Status: "True" } failed)
            {
                await DeleteContextAsync(@namespace, hash, cancellationToken);
                var tail = await LogTailAsync(@namespace, hash, cancellationToken);
                var reason = failed.Reason == "DeadlineExceeded"
                    ? $"the build did not finish within {Options.BuildDeadline.TotalMinutes:F0} min"
                    : $"the build failed ({failed.Reason}): {LastLine(tail) ?? failed.Message}";
                throw new ImageBuildException(reason, tail);
            }
            await Task.Delay(PollInterval, cancellationToken);
        }
    }

    public async Task<Stream?> OpenLogAsync(string @namespace, string hash, bool follow, int? tailLines, CancellationToken cancellationToken)
    {
        var pods = (await kubernetes.CoreV1.ListNamespacedPodAsync(
            @namespace, labelSelector: $"{WorkloadLabels.ImageHash}={hash}", cancellationToken: cancellationToken)).Items;
        // The last attempt's pod: with retries, the one whose outcome the Image reports.
        var pod = pods.Where(p => p.Spec?.NodeName is not null).MaxBy(p => p.Metadata.CreationTimestamp);
        if (pod is null)
        {
            return null;
        }
        try
        {
            return await kubernetes.CoreV1.ReadNamespacedPodLogAsync(
                pod.Metadata.Name, pod.Metadata.NamespaceProperty, container: BuildManifests.ContainerName, follow: follow, tailLines: tailLines,
                cancellationToken: cancellationToken);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.BadRequest)
        {
            // Scheduled but not started: no log yet.
            return null;
        }
    }

    private async Task<V1Job> CreateOrAdoptJobAsync(V1Job job, CancellationToken cancellationToken)
    {
        try
        {
            return await kubernetes.BatchV1.CreateNamespacedJobAsync(job, job.Metadata.NamespaceProperty, cancellationToken: cancellationToken);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict)
        {
            // Started by the Operator before a restart: wait for that one.
            return await kubernetes.BatchV1.ReadNamespacedJobAsync(job.Metadata.Name, job.Metadata.NamespaceProperty, cancellationToken: cancellationToken);
        }
    }

    private async Task CreateContextAsync(V1ConfigMap context, CancellationToken cancellationToken)
    {
        try
        {
            await kubernetes.CoreV1.CreateNamespacedConfigMapAsync(context, context.Metadata.NamespaceProperty, cancellationToken: cancellationToken);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict)
        {
            // Immutable and named by the hash: the one there holds the same context.
        }
    }

    /// <summary>
    /// A finished build's context goes at once: no retry of the Job reads it again, and its copy of the SDK and the
    /// requirements would otherwise stay as long as the Image. The Job goes by its TTL.
    /// </summary>
    private async Task DeleteContextAsync(string @namespace, string hash, CancellationToken cancellationToken)
    {
        try
        {
            await kubernetes.CoreV1.DeleteNamespacedConfigMapAsync(BuildManifests.Name(hash), @namespace, cancellationToken: cancellationToken);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            // Deleted by an earlier look at the same finished Job.
        }
    }

    private async Task<RegistryCredentials?> PushCredentialsAsync(CancellationToken cancellationToken)
    {
        try
        {
            var secret = await kubernetes.CoreV1.ReadNamespacedSecretAsync(Options.PushSecret, Options.PlatformNamespace, cancellationToken: cancellationToken);
            return RegistryCredentials.FromSecret(secret, Options.Registry);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            // A registry that needs no credentials to read.
            return null;
        }
    }

    private async Task<string> LogTailAsync(string @namespace, string hash, CancellationToken cancellationToken)
    {
        await using var log = await OpenLogAsync(@namespace, hash, follow: false, LogTailLines, cancellationToken);
        if (log is null)
        {
            return "";
        }
        using var reader = new StreamReader(log);
        return await reader.ReadToEndAsync(cancellationToken);
    }

    private static V1JobCondition? Condition(V1Job job, string type) => job.Status?.Conditions?.FirstOrDefault(c => c.Type == type);

    private static string? LastLine(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault();
}
