using System.Text.Json.Nodes;
using AeroGrid.Api.Schema;
using Aspire.Hosting.Pipelines;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AeroGrid.AppHost.Publish;

/// <summary>
/// The AppHost's publish step: renders the manifests that deploy AeroGrid to a Kubernetes cluster into the pipeline's
/// output directory (<c>--output-path</c>). It needs neither Docker nor a registry: it builds no image.
/// </summary>
internal static class ManifestPublisher
{
    public const string StepName = "aerogrid-manifests";

    /// <summary>What publish writes, in the order <c>kubectl apply</c> should see it: CRDs before anything using them.</summary>
    public static readonly IReadOnlyList<ManifestFile> Files =
    [
        new("crds.yaml", "the CustomResourceDefinitions of the aerogrid.io kinds", CrdGenerator.GenerateAll),
    ];

    public static void AddManifestPublishing(this IDistributedApplicationBuilder builder) =>
        builder.Pipeline.AddStep(StepName, context =>
            WriteAsync(context.Services.GetRequiredService<IPipelineOutputService>().GetOutputDirectory(), context.Logger, context.CancellationToken),
            requiredBy: WellKnownPipelineSteps.Publish);

    /// <summary>Writes every file into <paramref name="directory"/> (created if missing) and logs what each holds.</summary>
    public static async Task WriteAsync(string directory, ILogger logger, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(directory);
        foreach (var file in Files)
        {
            var path = Path.Combine(directory, file.Name);
            var documents = file.Render();
            await File.WriteAllTextAsync(path, ManifestWriter.Write(documents), cancellationToken);
            var contents = string.Join(", ", documents.Select(Describe));
            PublishLog.Wrote(logger, path, contents);
        }
    }

    private static string Describe(JsonObject document) => $"{document["kind"]} {document["metadata"]?["name"]}";
}
