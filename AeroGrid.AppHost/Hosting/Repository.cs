namespace AeroGrid.AppHost.Hosting;

/// <summary>The source tree the AppHost runs from: service binaries and the Python SDK are found there.</summary>
internal static class Repository
{
    public static string Root { get; } = Find();

    public static string PythonSdk => Path.Combine(Root, "python");

    /// <summary>A project's build output in the configuration the caller was built in (services are built alongside).</summary>
    public static string ProjectBinary(string project)
    {
        var configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;
        var path = Path.Combine(Root, project, "bin", configuration, "net10.0", project + ".dll");
        return File.Exists(path) ? path : throw new FileNotFoundException($"{project} is not built; build the solution first", path);
    }

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
