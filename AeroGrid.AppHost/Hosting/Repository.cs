namespace AeroGrid.AppHost.Hosting;

/// <summary>The source tree the AppHost runs from: service binaries and the Python SDK are found there.</summary>
internal static class Repository
{
    public static string Root { get; } = Find();

    public static string PythonSdk => Path.Combine(Root, "python");

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "AeroGrid.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException($"AeroGrid.sln not found above {AppContext.BaseDirectory}; run the AppHost from the repository");
    }
}
