using AeroGrid.Api.Client;
using AeroGrid.Api.Meta;
using AeroGrid.Api.Resources;
using AeroGrid.Operator.Runtime;
using AeroGrid.Operator.Workloads;

namespace AeroGrid.Operator.Controllers;

/// <summary>
/// Builds each Image's environment through the backend and records Ready or Failed with the end of the
/// build log. A hash that was built before is Ready at once, whichever app or tenant built it.
/// </summary>
internal sealed partial class ImageController(ApiClient api, Informer<Image> images, IImageBuilder builder, TimeProvider time, ILogger<ImageController> logger)
    : IReconciler
{
    public string Name => "image";

    public async Task<ReconcileResult> ReconcileAsync(string key, CancellationToken cancellationToken)
    {
        var (@namespace, name) = Keys.Split(key);
        if (images.TryGet(@namespace, name) is not { Metadata.DeletionTimestamp: null } image)
        {
            return ReconcileResult.Done;
        }
        var hash = ImageHash.Of(image.Spec.Runtime, image.Spec.Requirements);
        var status = image.Status;
        var generation = image.Metadata.Generation;
        if (status?.Hash == hash && status.ObservedGeneration == generation && status.Phase is ImagePhase.Ready or ImagePhase.Failed)
        {
            // Done either way: a failed build is retried only when the requirements change (a new hash).
            return ReconcileResult.Done;
        }
        if (builder.TryGetReady(hash) is { } cached)
        {
            await WriteAsync(image, Ready(image, hash, cached, "The environment was already built."), cancellationToken);
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
        try
        {
            var reference = await builder.BuildAsync(hash, image.Spec, cancellationToken);
            await WriteAsync(image, Ready(image, hash, reference, "The environment is built."), cancellationToken);
        }
        catch (ImageBuildException e)
        {
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
        }
        return ReconcileResult.Done;
    }

    private ImageStatus Ready(Image image, string hash, string reference, string message) => new()
    {
        Phase = ImagePhase.Ready,
        Hash = hash,
        Reference = reference,
        ObservedGeneration = image.Metadata.Generation,
        Message = message,
        Conditions = Conditions.Set(image.Status?.Conditions, Condition("True", "Built", message, image.Metadata.Generation), time.GetUtcNow()),
    };

    private static Condition Condition(string status, string reason, string message, long? generation) =>
        new() { Type = "Ready", Status = status, Reason = reason, Message = message, ObservedGeneration = generation };

    private Task WriteAsync(Image image, ImageStatus status, CancellationToken cancellationToken) =>
        StatusWriter.WriteAsync(api.Images, image, status, cancellationToken);

    [LoggerMessage(EventId = 2101, Level = LogLevel.Warning, Message = "Image {Key}: {Reason}")]
    private static partial void LogBuildFailed(ILogger logger, string key, string reason);
}
