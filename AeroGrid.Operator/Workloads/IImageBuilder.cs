using AeroGrid.Api.Resources;

namespace AeroGrid.Operator.Workloads;

/// <summary>
/// Builds dependency environments (images). Locally a Python virtual environment per hash; in a
/// cluster a Kaniko Job pushing <c>&lt;registry&gt;/aerogrid-env:&lt;hash&gt;</c>.
/// </summary>
internal interface IImageBuilder
{
    /// <summary>The reference of an already built environment, or null: a known hash is ready at once.</summary>
    string? TryGetReady(string hash);

    /// <summary>Builds the environment (once per hash, whoever asks); throws <see cref="ImageBuildException"/> on failure.</summary>
    Task<string> BuildAsync(string hash, ImageSpec spec, CancellationToken cancellationToken);

    /// <summary>Where the build log of a hash is written; the file exists once a build of it started, and stays.</summary>
    string LogPath(string hash);

    /// <summary>Whether a build of the hash is running now, so its log may still grow.</summary>
    bool IsBuilding(string hash);
}

/// <summary>A build that failed: the reason and the end of its log.</summary>
internal sealed class ImageBuildException(string message, string logTail) : Exception(message)
{
    public string LogTail { get; } = logTail;
}
