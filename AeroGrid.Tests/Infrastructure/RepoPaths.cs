namespace AeroGrid.Tests.Infrastructure;

/// <summary>Where things are on disk, found from the test binary's location.</summary>
internal static class RepoPaths
{
    /// <summary>The repository root: the folder holding AeroGrid.sln.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary><c>../shared</c> beside the repository: design docs and the offline JSON schemas.</summary>
    public static string Shared => Path.GetFullPath(Path.Combine(Root, "..", "shared"));

    public static string Schemas => Path.Combine(Shared, "schemas");

    /// <summary>The test binary folder, where referenced service projects are copied.</summary>
    public static string TestBin => AppContext.BaseDirectory;

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "AeroGrid.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException($"AeroGrid.sln not found above {AppContext.BaseDirectory}");
    }
}
