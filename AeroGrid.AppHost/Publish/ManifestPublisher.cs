using System.Text.Json.Nodes;
using AeroGrid.Api.Schema;
using Aspire.Hosting.Pipelines;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AeroGrid.AppHost.Publish;

/// <summary>
/// The AppHost's publish step: renders the manifests that deploy AeroGrid to a Kubernetes cluster into the pipeline's
/// output directory (<c>--output-path</c>), from the settings file named by <c>AeroGrid:PublishSettings</c>. It needs
/// neither Docker nor a registry: it builds no image. Everything is rendered before anything is written, so a bad
/// settings file leaves no output.
/// </summary>
internal static class ManifestPublisher
{
    public const string StepName = "aerogrid-manifests";

    /// <summary>What publish writes, in the order <c>kubectl apply</c> should see it: CRDs before anything using them.</summary>
    public static IReadOnlyList<ManifestFile> Files(PublishSettings settings) =>
    [
        new("crds.yaml", "the CustomResourceDefinitions of the aerogrid.io kinds", CrdGenerator.GenerateAll),
        new("platform.yaml", "the platform's namespace, the Operator and the Portal", () => PlatformManifests.Render(settings)),
        new("tenants.yaml", "a namespace per tenant with its quota, limits and network policy", () => TenantManifests.Render(settings)),
        new("istio.yaml", "the gateway, the Portal's route, mTLS, Auth0 at the edge and each tenant's authorization", () => IstioManifests.Render(settings)),
        new("telemetry.yaml", "the mesh's tracing and metrics, and the Prometheus Operator's monitors", () => TelemetryManifests.Render(settings)),
    ];

    public static void AddManifestPublishing(this IDistributedApplicationBuilder builder) =>
        builder.Pipeline.AddStep(StepName, async context =>
        {
            var path = context.Services.GetRequiredService<IConfiguration>()[PublishSettings.ConfigurationKey];
            try
            {
                var settings = PublishSettings.Load(path ?? throw PublishSettingsException.Missing());
                var output = context.Services.GetRequiredService<IPipelineOutputService>().GetOutputDirectory();
                await WriteAsync(output, settings, context.Logger, context.CancellationToken);
            }
            catch (PublishSettingsException e)
            {
                // A person's mistake, not a crash: one readable message and a failing exit code, instead of the
                // pipeline's stack traces (which would also end the process with 0).
                PublishLog.Refused(context.Logger, e.Message);
                Environment.ExitCode = 1;
            }
        }, requiredBy: WellKnownPipelineSteps.Publish);

    /// <summary>Writes every file into <paramref name="directory"/> (created if missing) and logs what each holds.</summary>
    public static async Task WriteAsync(string directory, PublishSettings settings, ILogger logger, CancellationToken cancellationToken)
    {
        var rendered = Files(settings).Select(file => (file.Name, Documents: file.Render())).ToList();
        Directory.CreateDirectory(directory);
        foreach (var (name, documents) in rendered)
        {
            var path = Path.Combine(directory, name);
            await File.WriteAllTextAsync(path, ManifestWriter.Write(documents), cancellationToken);
            var contents = string.Join(", ", documents.Select(Describe));
            PublishLog.Wrote(logger, path, contents);
        }
    }

    private static string Describe(JsonObject document) => $"{document["kind"]} {document["metadata"]?["name"]}";
}
