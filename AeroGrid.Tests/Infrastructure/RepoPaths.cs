namespace AeroGrid.Tests.Infrastructure;

/// <summary>Where things are on disk, found from the test binary's location.</summary>
internal static class RepoPaths
{
    /// <summary>The repository root: the folder holding AeroGrid.sln.</summary>
    public static string Root => AeroGrid.AppHost.Hosting.Repository.Root;

    /// <summary>The offline JSON schemas of Kubernetes, Istio and Prometheus Operator kinds, vendored (see its README).</summary>
    public static string Schemas => Path.Combine(Root, "vendor", "schemas");
}
