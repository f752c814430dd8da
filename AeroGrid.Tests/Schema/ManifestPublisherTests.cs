using System.Diagnostics;
using AeroGrid.AppHost.Publish;
using AeroGrid.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace AeroGrid.Tests.Schema;

public sealed class ManifestPublisherTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"aerogrid-publish-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public async Task Publishing_writes_the_crds_into_a_new_output_directory()
    {
        var output = Path.Combine(_directory, "manifests");

        await ManifestPublisher.WriteAsync(output, NullLogger.Instance, TestContext.Current.CancellationToken);

        await AssertCrdsAsync(output);
    }

    /// <summary>The README's command: the AppHost's own publish pipeline, with no Docker and no registry on the machine.</summary>
    [Fact]
    public async Task The_apphost_publish_step_renders_the_manifests_without_docker()
    {
        var output = Path.Combine(_directory, "deploy");
        var binary = AeroGrid.AppHost.Hosting.Repository.ProjectBinary("AeroGrid.AppHost");
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(binary)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in new[] { binary, "--operation", "publish", "--step", "publish", "--output-path", output })
        {
            info.ArgumentList.Add(arg);
        }
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(120));
        await process.WaitForExitAsync(timeout.Token);

        Assert.True(process.ExitCode == 0, $"publish exited with {process.ExitCode}:\n{await stdout}\n{await stderr}");
        Assert.Contains(Path.Combine(output, "crds.yaml"), await stdout, StringComparison.Ordinal);
        await AssertCrdsAsync(output);
    }

    private static async Task AssertCrdsAsync(string directory)
    {
        var documents = YamlManifests.Parse(await File.ReadAllTextAsync(Path.Combine(directory, "crds.yaml"), TestContext.Current.CancellationToken));
        Assert.Equal(["apps.aerogrid.io", "images.aerogrid.io", "revisions.aerogrid.io"], documents.Select(document => (string?)document["metadata"]!["name"]));
        Assert.All(documents, document => Assert.Equal("CustomResourceDefinition", (string?)document["kind"]));
    }
}
