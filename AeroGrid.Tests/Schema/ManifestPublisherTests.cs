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

    private static string SampleSettings => Path.Combine(RepoPaths.Root, "samples", "publish.yaml");

    [Fact]
    public async Task Publishing_writes_the_crds_the_platform_and_the_tenants_into_a_new_output_directory()
    {
        var output = Path.Combine(_directory, "manifests");

        await ManifestPublisher.WriteAsync(output, PublishSettings.Load(SampleSettings), NullLogger.Instance, TestContext.Current.CancellationToken);

        await AssertCrdsAsync(output);
        Assert.Equal(["crds.yaml", "istio.yaml", "platform.yaml", "telemetry.yaml", "tenants.yaml"], Directory.GetFiles(output).Select(Path.GetFileName).Order());
    }

    /// <summary>The README's command: the AppHost's own publish pipeline, with no Docker and no registry on the machine.</summary>
    [Fact]
    public async Task The_apphost_publish_step_renders_the_manifests_without_docker()
    {
        var output = Path.Combine(_directory, "deploy");

        var (exitCode, printed) = await PublishAsync(output, SampleSettings);

        Assert.True(exitCode == 0, $"publish exited with {exitCode}:\n{printed}");
        Assert.Contains(Path.Combine(output, "crds.yaml"), printed, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(output, "tenants.yaml"), printed, StringComparison.Ordinal);
        await AssertCrdsAsync(output);
    }

    [Fact]
    public async Task A_bad_settings_file_names_each_wrong_field_and_writes_nothing()
    {
        var settings = Path.Combine(_directory, "bad.yaml");
        Directory.CreateDirectory(_directory);
        await File.WriteAllTextAsync(settings, """
            domain: Not_A_Host
            auth0:
              domain: example.eu.auth0.com
              audience: https://api.aerogrid.io
              portalClientSecret: portal-auth0
            images:
              portal: registry.example.com/aerogrid/portal:0.1.0
            tenants: [acme, Acme, acme]
            """, TestContext.Current.CancellationToken);

        var e = Assert.Throws<PublishSettingsException>(() => PublishSettings.Load(settings));

        Assert.Contains(e.Errors, error => error.StartsWith("domain: 'Not_A_Host' is not a valid name", StringComparison.Ordinal));
        Assert.Contains("images.operator: is required", e.Errors);
        Assert.Contains(e.Errors, error => error.StartsWith("tenants[1]: 'Acme' is not a valid name", StringComparison.Ordinal));
        Assert.Contains("tenants: 'acme' is listed more than once", e.Errors);
        Assert.Contains(settings, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_field_in_the_settings_is_named_with_its_line()
    {
        var settings = Path.Combine(_directory, "typo.yaml");
        Directory.CreateDirectory(_directory);
        await File.WriteAllTextAsync(settings, (await File.ReadAllTextAsync(SampleSettings, TestContext.Current.CancellationToken))
            .Replace("otlpEndpoint:", "otlpEndpiont:", StringComparison.Ordinal), TestContext.Current.CancellationToken);

        var e = Assert.Throws<PublishSettingsException>(() => PublishSettings.Load(settings));

        Assert.Contains("otlpEndpiont", Assert.Single(e.Errors), StringComparison.Ordinal);
        Assert.StartsWith("line ", e.Errors[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_settings_fail_the_apphost_publish_with_the_field_named_and_no_output()
    {
        var settings = Path.Combine(_directory, "bad.yaml");
        var output = Path.Combine(_directory, "deploy");
        Directory.CreateDirectory(_directory);
        await File.WriteAllTextAsync(settings, (await File.ReadAllTextAsync(SampleSettings, TestContext.Current.CancellationToken))
            .Replace("  - globex", "  - Globex", StringComparison.Ordinal), TestContext.Current.CancellationToken);

        var (exitCode, printed) = await PublishAsync(output, settings);

        Assert.NotEqual(0, exitCode);
        Assert.Contains("tenants[1]: 'Globex' is not a valid name", printed, StringComparison.Ordinal);
        Assert.False(Directory.Exists(output) && Directory.EnumerateFileSystemEntries(output).Any(), "publish wrote output from bad settings");
    }

    /// <summary>The AppHost's publish pipeline as a person runs it: its exit code and what it printed (stdout, then stderr).</summary>
    private static Task<(int ExitCode, string Printed)> PublishAsync(string output, string settings) =>
        AppHostPipeline.RunAsync(["--operation", "publish", "--step", "publish", "--output-path", output, "--" + PublishSettings.ConfigurationKey, settings]);

    private static async Task AssertCrdsAsync(string directory)
    {
        var documents = YamlManifests.Parse(await File.ReadAllTextAsync(Path.Combine(directory, "crds.yaml"), TestContext.Current.CancellationToken));
        Assert.Equal(["apps.aerogrid.io", "images.aerogrid.io", "revisions.aerogrid.io"], documents.Select(document => (string?)document["metadata"]!["name"]));
        Assert.All(documents, document => Assert.Equal("CustomResourceDefinition", (string?)document["kind"]));
    }
}
