using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AeroGrid.Api.Client;
using AeroGrid.Api.Meta;
using AeroGrid.Api.Resources;
using AeroGrid.Api.Serialization;
using AeroGrid.Operator.Runtime;
using AeroGrid.Operator.Workloads;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace AeroGrid.Operator.Controllers;

/// <summary>
/// Makes an App run: the Image its dependencies need, then a revision of its files on that image, rolled
/// out next to the serving one and switched to only once ready; and a truthful status. A failed build or
/// start never touches the serving revision. Each revision that serves is kept as a Revision object.
/// </summary>
internal sealed partial class AppController(
    ApiClient api, Informer<App> apps, Informer<Image> images, IAppRuntime runtime, RevisionHistory history, OperatorMetrics metrics,
    TimeProvider time, ILogger<AppController> logger)
    : IReconciler
{
    /// <summary>Holds a deleted App until its processes and files are gone.</summary>
    public const string Finalizer = "aerogrid.io/app-runtime";

    // The revision hash whose rollout failed, per app: not retried until the spec changes.
    private readonly ConcurrentDictionary<string, string> _failedRollouts = new(StringComparer.Ordinal);

    public string Name => "app";

    public async Task<ReconcileResult> ReconcileAsync(string key, CancellationToken cancellationToken)
    {
        var (@namespace, name) = Keys.Split(key);
        var app = apps.TryGet(@namespace, name);
        if (app is null)
        {
            // Gone without our finalizer running (it was never added, or removed by hand): clean up anyway.
            await runtime.StopAsync(@namespace, name, removeFiles: true, cancellationToken);
            await history.DeleteAllAsync(@namespace, name, cancellationToken);
            return ReconcileResult.Done;
        }
        var finalizers = app.Metadata.Finalizers ?? [];
        if (app.Metadata.DeletionTimestamp is not null)
        {
            await runtime.StopAsync(@namespace, name, removeFiles: true, cancellationToken);
            await history.DeleteAllAsync(@namespace, name, cancellationToken);
            _failedRollouts.TryRemove(key, out _);
            if (finalizers.Contains(Finalizer))
            {
                await SetFinalizersAsync(app, [.. finalizers.Where(f => f != Finalizer)], cancellationToken);
            }
            LogDeleted(logger, key);
            return ReconcileResult.Done;
        }
        if (!finalizers.Contains(Finalizer))
        {
            await SetFinalizersAsync(app, [.. finalizers, Finalizer], cancellationToken);
            return ReconcileResult.Done; // The update brings us back with the current object.
        }
        if (app.Spec.Stopped || app.Spec.Replicas == 0)
        {
            await runtime.StopAsync(@namespace, name, removeFiles: false, cancellationToken);
            await WriteAsync(app, AppPhase.Stopped, "Stopped. Start the app to run it again.", null, progressing: null, cancellationToken);
            return ReconcileResult.Done;
        }

        var imageHash = ImageHash.Of(app.Spec);
        var image = images.TryGet(@namespace, ImageHash.ImageName(imageHash));
        if (image is null)
        {
            await CreateImageAsync(app, imageHash, cancellationToken);
            await WriteAsync(app, AppPhase.Building, "Installing the dependencies from requirements.txt.", null,
                Progressing("True", "Building", "Installing the dependencies."), cancellationToken);
            return ReconcileResult.Done; // The Image's status brings us back.
        }
        if (image.Status?.Phase == ImagePhase.Failed)
        {
            await WriteAsync(app, AppPhase.Failed, $"The dependencies could not be installed: {image.Status.Message}", image.Status.LogTail,
                Progressing("False", "BuildFailed", image.Status.Message ?? "The build failed."), cancellationToken);
            return ReconcileResult.Done;
        }
        if (image.Status?.Phase != ImagePhase.Ready || image.Status.Reference is not { } reference)
        {
            await WriteAsync(app, AppPhase.Building, "Installing the dependencies from requirements.txt.", null,
                Progressing("True", "Building", "Installing the dependencies."), cancellationToken);
            return ReconcileResult.Done;
        }

        var revisionHash = RevisionHash(app, imageHash);
        var workload = await runtime.ObserveAsync(@namespace, name, cancellationToken);
        if (workload?.Hash == revisionHash)
        {
            if (workload.Replicas != app.Spec.Replicas)
            {
                await runtime.ScaleAsync(@namespace, name, app.Spec.Replicas, cancellationToken);
            }
            await WriteRunningAsync(app, image.Metadata.Name, cancellationToken);
            // Also records what served before Revisions existed, or while a recording failed.
            await history.RecordAsync(app, workload.Revision, revisionHash, image.Metadata.Name!, cancellationToken);
            return ReconcileResult.Done;
        }
        if (_failedRollouts.TryGetValue(key, out var failed) && failed == revisionHash)
        {
            return ReconcileResult.Done; // Failed before; the status says why. A new edit makes a new hash.
        }

        var status = app.Status;
        // Starting a stopped app again on the same code keeps its revision number; anything new is the next one.
        var revision = workload is null && status?.RevisionHash == revisionHash
            ? status.Revision ?? 1
            : Math.Max(status?.Revision ?? 0, workload?.Revision ?? 0) + 1;
        // Said while the revision starts, not before: the durable write and the start overlap, and every status
        // written after it waits for it.
        var deploying = WriteAsync(app, AppPhase.Deploying, $"Starting revision {revision}.", null,
            Progressing("True", "Deploying", $"Starting revision {revision}."), cancellationToken);
        RolloutResult result;
        try
        {
            result = await runtime.RolloutAsync(
                new AppRevision(@namespace, name, revision, revisionHash, reference, app.Spec.Files, app.Spec.Entrypoint, app.Spec.Env, app.Spec.Replicas, app),
                cancellationToken);
        }
        finally
        {
            await deploying;
        }
        if (!result.Succeeded)
        {
            _failedRollouts[key] = revisionHash;
            await WriteAsync(app, AppPhase.Failed, result.Message, result.LogTail,
                Progressing("False", "RolloutFailed", result.Message), cancellationToken);
            return ReconcileResult.Done;
        }
        _failedRollouts.TryRemove(key, out _);
        metrics.RevisionLive(app);
        await WriteRunningAsync(app, image.Metadata.Name, cancellationToken);
        runtime.ReleasePreviousRevision(@namespace, name);
        LogRolledOut(logger, key, revision);
        // After the switch, so that a failure to record retries (and lands above) without touching what serves.
        await history.RecordAsync(app, revision, revisionHash, image.Metadata.Name!, cancellationToken);
        return ReconcileResult.Done;
    }

    private async Task WriteRunningAsync(App app, string? image, CancellationToken cancellationToken)
    {
        var workload = (await runtime.ObserveAsync(app.Metadata.NamespaceProperty!, app.Metadata.Name!, cancellationToken))!;
        var (phase, message) = workload switch
        {
            { CrashLooping: true, ReadyEndpoints.Count: 0 } => (AppPhase.Failed, $"CrashLoopBackOff: {workload.LastFailure}; restarting with backoff."),
            { CrashLooping: true } => (AppPhase.Running, $"Revision {workload.Revision} is serving; a process is in CrashLoopBackOff ({workload.LastFailure})."),
            { ReadyEndpoints.Count: 0 } => (AppPhase.Deploying, $"Revision {workload.Revision} is starting."),
            _ => (AppPhase.Running, $"Revision {workload.Revision} is serving."),
        };
        var reason = workload.CrashLooping ? "CrashLoopBackOff" : "RolloutComplete";
        await WriteAsync(app with { Status = (app.Status ?? new()) with { Image = image } }, phase, message, null,
            Progressing(workload.CrashLooping ? "False" : "True", reason, message), cancellationToken);
    }

    /// <summary>The status: what is happening now, plus the truth about what serves, from the runtime.</summary>
    private async Task WriteAsync(App app, AppPhase phase, string message, string? failureLog, V1Condition? progressing, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var old = app.Status ?? new AppStatus();
        var workload = await runtime.ObserveAsync(app.Metadata.NamespaceProperty!, app.Metadata.Name!, cancellationToken);
        var serving = workload is { ReadyEndpoints.Count: > 0 };
        if (phase == AppPhase.Failed && serving)
        {
            message = $"{message.TrimEnd('.')}. Revision {workload!.Revision} keeps serving.";
        }
        var generation = app.Metadata.Generation;
        var conditions = Conditions.Set(old.Conditions, new V1Condition
        {
            Type = "Ready",
            Status = serving ? "True" : "False",
            Reason = serving ? "Serving" : phase.ToString(),
            Message = serving ? $"Revision {workload!.Revision} answers on {workload.ReadyEndpoints.Count} process(es)." : message,
            ObservedGeneration = generation,
        }, now);
        if (progressing is not null)
        {
            conditions = Conditions.Set(conditions, progressing with { ObservedGeneration = generation }, now);
        }
        var status = old with
        {
            Phase = phase,
            ObservedGeneration = generation,
            Message = message,
            FailureLog = failureLog,
            Url = $"/apps/{app.Metadata.NamespaceProperty}/{app.Metadata.Name}",
            Revision = workload?.Revision ?? old.Revision,
            RevisionHash = workload?.Hash ?? old.RevisionHash,
            ReadyReplicas = workload?.ReadyEndpoints.Count ?? 0,
            Endpoints = workload is null ? null : [.. workload.ReadyEndpoints],
            Conditions = conditions,
        };
        await StatusWriter.WriteAsync(api.Apps, app, status, cancellationToken);
    }

    private async Task CreateImageAsync(App app, string hash, CancellationToken cancellationToken)
    {
        try
        {
            await api.Images.CreateAsync(new Image
            {
                Metadata = new V1ObjectMeta
                {
                    Name = ImageHash.ImageName(hash),
                    NamespaceProperty = app.Metadata.NamespaceProperty,
                    Labels = new Dictionary<string, string> { ["aerogrid.io/image-hash"] = hash },
                },
                Spec = new ImageSpec { Runtime = app.Spec.Runtime, Requirements = ImageHash.Requirements(app.Spec) },
            }, cancellationToken);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.Conflict)
        {
            // Another app of the tenant asked for the same environment first.
        }
    }

    private async Task SetFinalizersAsync(App app, List<string> finalizers, CancellationToken cancellationToken) =>
        await api.Apps.PatchAsync(app.Metadata.NamespaceProperty, app.Metadata.Name!,
            new JsonObject
            {
                ["metadata"] = new JsonObject
                {
                    ["resourceVersion"] = app.Metadata.ResourceVersion,
                    ["finalizers"] = finalizers.Count == 0 ? null : new JsonArray([.. finalizers.Select(f => (JsonNode)f)]),
                },
            },
            V1Patch.PatchType.MergePatch, cancellationToken: cancellationToken);

    private static V1Condition Progressing(string status, string reason, string message) =>
        new() { Type = "Progressing", Status = status, Reason = reason, Message = message };

    /// <summary>
    /// What makes a revision: a change to any of these (or a Redeploy, <see cref="AppAnnotations.RestartedAt"/>, or new
    /// resources) starts a new one.
    /// </summary>
    internal static string RevisionHash(App app, string imageHash)
    {
        var spec = app.Spec;
        var template = new JsonObject
        {
            ["image"] = imageHash,
            ["entrypoint"] = spec.Entrypoint,
            ["files"] = JsonSerializer.SerializeToNode(spec.Files, ApiJson.Options),
            ["env"] = JsonSerializer.SerializeToNode(spec.Env, ApiJson.Options),
        };
        // Only when set, so apps that were never restarted (or never given resources) keep the hash (and revision) they had.
        if (app.GetAnnotation(AppAnnotations.RestartedAt) is { } restartedAt)
        {
            template["restartedAt"] = restartedAt;
        }
        if (spec.Resources is not null)
        {
            template["resources"] = JsonSerializer.SerializeToNode(spec.Resources, ApiJson.Options);
        }
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(template.ToJsonString())))[..16];
    }

    [LoggerMessage(EventId = 2201, Level = LogLevel.Information, Message = "App {Key}: revision {Revision} rolled out")]
    private static partial void LogRolledOut(ILogger logger, string key, long revision);

    [LoggerMessage(EventId = 2202, Level = LogLevel.Information, Message = "App {Key}: deleted; processes, files and revisions removed")]
    private static partial void LogDeleted(ILogger logger, string key);
}
