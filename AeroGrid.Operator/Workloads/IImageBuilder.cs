using AeroGrid.Api.Resources;

namespace AeroGrid.Operator.Workloads;

/// <summary>
/// Builds dependency environments (images). Locally a Python virtual environment per hash; in a
/// cluster a Kaniko Job pushing <c>&lt;registry&gt;/&lt;repository&gt;:&lt;hash&gt;</c> (<see cref="Kubernetes.KubernetesBackendOptions.ImageReference"/>).
/// </summary>
internal interface IImageBuilder
{
    /// <summary>The reference of an already built environment, or null: a known hash is ready at once.</summary>
    Task<string?> TryGetReadyAsync(string hash, CancellationToken cancellationToken);

    /// <summary>Builds the Image's environment (once per hash, whoever asks); throws <see cref="ImageBuildException"/> on failure.</summary>
    Task<string> BuildAsync(Image image, string hash, CancellationToken cancellationToken);

    /// <summary>
    /// The build log of a hash, or its last <paramref name="tailLines"/> lines; followed, the stream lasts until the build
    /// ends. Null while no build of the hash has started.
    /// </summary>
    Task<Stream?> OpenLogAsync(string @namespace, string hash, bool follow, int? tailLines, CancellationToken cancellationToken);
}

/// <summary>A build that failed: the reason and the end of its log.</summary>
internal sealed class ImageBuildException(string message, string logTail) : Exception(message)
{
    public string LogTail { get; } = logTail;
}
