namespace AeroGrid.Api.Validation;

/// <summary>What the platform's configuration allows in user input beyond the safe defaults.</summary>
public sealed record ValidationPolicy
{
    /// <summary>
    /// Allow requirements.txt to choose package indexes (<c>--index-url</c>, <c>--find-links</c>, ...).
    /// Off by default: the platform decides where packages come from.
    /// </summary>
    public bool AllowIndexOptions { get; init; }

    /// <summary>Allow installing from URLs, VCS and local paths (<c>pkg @ https://...</c>, <c>./pkg</c>, <c>-e</c>).</summary>
    public bool AllowDirectReferences { get; init; }

    public static ValidationPolicy Default { get; } = new();
}
