using AeroGrid.AppHost.Publish;
using AeroGrid.Tests.Infrastructure;

namespace AeroGrid.Tests.Schema;

public sealed class PublishCommandTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"aerogrid-publish-{Guid.NewGuid():N}");
    private readonly StringWriter _output = new();
    private readonly StringWriter _error = new();

    public void Dispose()
    {
        _output.Dispose();
        _error.Dispose();
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public async Task Publish_writes_the_crds_into_a_new_output_directory_and_says_so()
    {
        var output = Path.Combine(_directory, "manifests");

        Assert.Equal(0, await PublishCommand.RunAsync(["--output", output], _output, _error));

        var path = Path.Combine(output, "crds.yaml");
        var documents = YamlManifests.Parse(await File.ReadAllTextAsync(path, TestContext.Current.CancellationToken));
        Assert.Equal(["apps.aerogrid.io", "images.aerogrid.io", "revisions.aerogrid.io"], documents.Select(document => (string?)document["metadata"]!["name"]));
        Assert.All(documents, document => Assert.Equal("CustomResourceDefinition", (string?)document["kind"]));
        Assert.Contains(path, _output.ToString(), StringComparison.Ordinal);
        Assert.Empty(_error.ToString());
    }

    [Fact]
    public async Task Help_prints_the_usage_and_the_files_publish_writes()
    {
        Assert.Equal(0, await PublishCommand.RunAsync(["--help"], _output, _error));
        Assert.Contains("publish --output <dir>", _output.ToString(), StringComparison.Ordinal);
        Assert.Contains("crds.yaml", _output.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData]
    [InlineData("--output")]
    [InlineData("--output", "x", "--registry")]
    public async Task Bad_arguments_are_a_usage_error_and_write_nothing(params string[] args)
    {
        Assert.Equal(2, await PublishCommand.RunAsync(args, _output, _error));
        Assert.Contains("Usage:", _error.ToString(), StringComparison.Ordinal);
        Assert.Empty(_output.ToString());
    }
}
