using System.Collections.Concurrent;
using AeroGrid.Api.Client;
using AeroGrid.Api.Meta;
using AeroGrid.Api.Resources;
using AeroGrid.Operator.Runtime;
using AeroGrid.Operator.Workloads;
using k8s.Models;

namespace AeroGrid.Operator.Controllers;

/// <summary>
/// Builds each Image's environment through the backend and records Ready or Failed with the end of the
/// build log. A hash that was built before is Ready at once, whichever app or tenant built it.
/// </summary>
internal sealed partial class ImageController(
    ApiClient api, Informer<Image> images, IImageBuilder builder, OperatorMetrics metrics, TimeProvider time, ILogger<ImageController> logger)
    : IReconciler
{
    // Builds this controller finished (Ready or Failed) by object uid, hash and generation. The informer may still
    // hold the object as it was mid-build (our own "Building" write, delivered after the final one): that must
    // not start the build again.
    private readonly ConcurrentDictionary<string, (string Hash, long? Generation)> _finished = new(StringComparer.Ordinal);

    public string Name => "image";

    public async Task<ReconcileResult> ReconcileAsync(string key, CancellationToken cancellationToken)
    {
        var (@namespace, name) = Keys.Split(key);
        if (images.TryGet(@namespace, name) is not { Metadata.DeletionTimestamp: null } image)
        {
            return ReconcileResult.Done;
        }
        var hash = ImageHash.Of(image.Spec);
        var status = image.Status;
        var generation = image.Metadata.Generation;
        var finished = _finished.TryGetValue(image.Metadata.Uid ?? "", out var done) && done == (hash, generation);
        if (finished || IsFinished(image))
        {
            // Done either way: a failed build is retried only when the requirements change (a new hash).
            return ReconcileResult.Done;
        }
        if (await builder.TryGetReadyAsync(hash, cancellationToken) is { } cached)
        {
            await WriteAsync(image, Ready(image, hash, cached, "The environment was already built."), cancellationToken);
            _finished[image.Metadata.Uid ?? ""] = (hash, generation);
            return ReconcileResult.Done;
        }
        await WriteAsync(image, new ImageStatus
        {
            Phase = ImagePhase.Building,
            Hash = hash,
            ObservedGeneration = generation,
            Message = "Installing the dependencies.",
            Conditions = Conditions.Set(status?.Conditions, Condition("False", "Building", "Installing the dependencies.", generation), time.GetUtcNow()),
        }, cancellationToken);
        var started = time.GetTimestamp();
        try
        {
            var reference = await builder.BuildAsync(image, hash, cancellationToken);
            metrics.BuildFinished(time.GetElapsedTime(started), ImagePhase.Ready);
            await WriteAsync(image, Ready(image, hash, reference, "The environment is built."), cancellationToken);
            _finished[image.Metadata.Uid ?? ""] = (hash, generation);
        }
        catch (ImageBuildException e)
        {
            metrics.BuildFinished(time.GetElapsedTime(started), ImagePhase.Failed);
            LogBuildFailed(logger, key, e.Message);
            await WriteAsync(image, new ImageStatus
            {
                Phase = ImagePhase.Failed,
                Hash = hash,
                ObservedGeneration = generation,
                Message = e.Message,
                LogTail = e.LogTail,
                Conditions = Conditions.Set(status?.Conditions, Condition("False", "BuildFailed", e.Message, generation), time.GetUtcNow()),
            }, cancellationToken);
            _finished[image.Metadata.Uid ?? ""] = (hash, generation);
        }
        return ReconcileResult.Done;
    }

    /// <summary>Whether the status reports the end (Ready or Failed) of the build of the Image's spec as it is.</summary>
    public static bool IsFinished(Image image) =>
        image.Status is { Phase: ImagePhase.Ready or ImagePhase.Failed } status
        && status.Hash == ImageHash.Of(image.Spec)
        && status.ObservedGeneration == image.Metadata.Generation;

    private ImageStatus Ready(Image image, string hash, string reference, string message) => new()
    {
        Phase = ImagePhase.Ready,
        Hash = hash,
        Reference = reference,
        ObservedGeneration = image.Metadata.Generation,
        Message = message,
        Conditions = Conditions.Set(image.Status?.Conditions, Condition("True", "Built", message, image.Metadata.Generation), time.GetUtcNow()),
    };

    private static V1Condition Condition(string status, string reason, string message, long? generation) =>
        new() { Type = "Ready", Status = status, Reason = reason, Message = message, ObservedGeneration = generation };

    private Task WriteAsync(Image image, ImageStatus status, CancellationToken cancellationToken) =>
        StatusWriter.WriteAsync(api.Images, image, status, cancellationToken);

    [LoggerMessage(EventId = 2101, Level = LogLevel.Warning, Message = "Image {Key}: {Reason}")]
    private static partial void LogBuildFailed(ILogger logger, string key, string reason);
}
