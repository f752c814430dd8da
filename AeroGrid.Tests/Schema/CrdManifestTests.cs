using System.Text.Json.Nodes;
using AeroGrid.Api.Resources;
using AeroGrid.Api.Schema;
using AeroGrid.AppHost.Publish;
using AeroGrid.Tests.Infrastructure;

namespace AeroGrid.Tests.Schema;

/// <summary>The CRDs as <c>publish</c> renders them are CustomResourceDefinitions the API server accepts.</summary>
public sealed class CrdManifestTests
{
    private static IReadOnlyList<JsonObject> Rendered() => YamlManifests.Parse(ManifestWriter.Write(CrdGenerator.GenerateAll()));

    [Fact]
    public async Task Every_rendered_crd_is_a_valid_apiextensions_v1_CustomResourceDefinition()
    {
        var documents = Rendered();
        Assert.Equal(ResourceDefinitions.Custom.Count, documents.Count);
        foreach (var document in documents)
        {
            var problems = await ManifestSchemas.ProblemsAsync(document);
            Assert.True(problems.Count == 0, $"{document["metadata"]?["name"]}:\n{string.Join("\n", problems)}");
        }
    }

    [Fact]
    public void The_yaml_means_exactly_the_generated_json() =>
        Assert.Equal(CrdGenerator.GenerateAll().Select(crd => crd.ToJsonString()), Rendered().Select(crd => crd.ToJsonString()));

    /// <summary>Proof that the check above can fail: each row damages one field of the App CRD.</summary>
    [Theory]
    [InlineData("/spec/versions/0/served", "\"true\"")]
    [InlineData("/spec/versions/0/additionalPrinterColumns/0/priority", "\"1\"")]
    [InlineData("/spec/names/plurals", "\"apps\"")]
    [InlineData("/spec/versions/0/schema/openAPIV3Schema/properties/spec/maxItem", "3")]
    [InlineData("/spec/scope", null)]
    public async Task A_damaged_crd_is_refused(string pointer, string? json)
    {
        var crd = Rendered()[0];
        JsonEdits.Replace(crd, pointer, json);
        Assert.NotEmpty(await ManifestSchemas.ProblemsAsync(crd));
    }
}
