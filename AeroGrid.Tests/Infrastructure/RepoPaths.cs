namespace AeroGrid.Tests.Infrastructure;

/// <summary>Where things are on disk, found from the test binary's location.</summary>
internal static class RepoPaths
{
    /// <summary>The repository root: the folder holding AeroGrid.sln.</summary>
    public static string Root => AeroGrid.AppHost.Hosting.Repository.Root;

    /// <summary>
    /// The <c>shared</c> folder beside the repository (design docs and the offline JSON schemas), or beside one of
    /// its parents: a git worktree such as <c>wt/crd</c> sits a level deeper than the main checkout.
    /// </summary>
    public static string Shared => FindShared();

    public static string Schemas => Path.Combine(Shared, "schemas");

    private static string FindShared()
    {
        for (var dir = Directory.GetParent(Root); dir is not null; dir = dir.Parent)
        {
            var shared = Path.Combine(dir.FullName, "shared");
            if (Directory.Exists(shared))
            {
                return shared;
            }
        }
        throw new InvalidOperationException($"no shared folder beside {Root} or its parents");
    }
}
