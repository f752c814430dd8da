using System.Text.Json.Nodes;
using AeroGrid.Api.Resources;
using AeroGrid.Operator.Workloads;
using AeroGrid.Operator.Workloads.Kubernetes;
using AeroGrid.Tests.Infrastructure;
using k8s;

namespace AeroGrid.Tests.Operator.Kubernetes;

/// <summary>One tenant's app at one revision, its environment, and the backend's options, as the manifest tests use them.</summary>
internal static class ManifestSamples
{
    public static KubernetesBackendOptions Options { get; } = new() { Registry = "registry.example.com:5000", Repository = "aerogrid/env" };

    public static IReadOnlyList<AppFile> Files { get; } =
    [
        new() { Path = "app.py", Content = "from aerogrid import App\nfrom lib.util import greet\napp = App()\n" },
        new() { Path = "lib/util.py", Content = "def greet(name):\n    return f'hello {name}'\n" },
        new() { Path = AppDefaults.Requirements, Content = "requests==2.32.3\n" },
    ];

    public static App OrdersApp(AppResources? resources = null) => new()
    {
        Metadata = new() { Name = "orders", NamespaceProperty = "acme", Uid = "6b1f0c1e-7f4e-4c55-9d2a-3c1f7d2b9a10" },
        Spec = new() { Files = [.. Files], Resources = resources, Replicas = 2, Env = [new() { Name = "LOG_LEVEL", Value = "debug" }] },
    };

    public static AppRevision RevisionOf(App app) => new(
        app.Metadata.NamespaceProperty!, app.Metadata.Name!, 3, "2f1c9e0b7a64d3e5", Options.ImageReference(ImageHash.Of(app.Spec)),
        app.Spec.Files, app.Spec.Entrypoint, app.Spec.Env, app.Spec.Replicas, app);

    public static Image ImageOf(App app) => new()
    {
        Metadata = new() { Name = ImageHash.ImageName(ImageHash.Of(app.Spec)), NamespaceProperty = app.Metadata.NamespaceProperty, Uid = "0d7c2a4e-1b3f-4e8a-9c6d-5f2e1a0b3c47" },
        Spec = new() { Runtime = app.Spec.Runtime, Requirements = ImageHash.Requirements(app.Spec) },
    };

    /// <summary>Apps' spans to a collector's OTLP/HTTP port, at the mesh's sampling, as the published Operator is set.</summary>
    public static AppTelemetryOptions Telemetry { get; } = new()
    {
        OtlpEndpoint = "http://otel-collector.observability:4318", Sampler = "parentbased_traceidratio", SamplerArg = "0.1",
    };

    public static AppManifests Apps { get; } = new(Microsoft.Extensions.Options.Options.Create(Options), Microsoft.Extensions.Options.Options.Create(Telemetry));

    public static BuildManifests Builds { get; } = new(Microsoft.Extensions.Options.Options.Create(Options));

    /// <summary>The object as the API server reads it, in KubernetesClient's own serialization.</summary>
    public static JsonObject Json(object obj) => JsonNode.Parse(KubernetesJson.Serialize(obj))!.AsObject();

    /// <summary>What the vendored schemas find wrong with the objects, one line each naming the kind.</summary>
    public static async Task<IReadOnlyList<string>> SchemaProblemsAsync(params object[] objects)
    {
        var problems = new List<string>();
        foreach (var document in objects.Select(Json))
        {
            problems.AddRange((await ManifestSchemas.ProblemsAsync(document)).Select(p => $"{document["kind"]}: {p}"));
        }
        return problems;
    }
}
