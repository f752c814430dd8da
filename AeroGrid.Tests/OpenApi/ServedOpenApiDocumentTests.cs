using System.Text.Json;
using System.Text.Json.Nodes;
using AeroGrid.Tests.Infrastructure;

namespace AeroGrid.Tests.OpenApi;

/// <summary>
/// The OpenAPI documents checked in under <c>openapi/</c> (which the Portal's TypeScript types and the .NET client are
/// generated from) are the ones the control plane serves, and describe every operation the clients use.
/// </summary>
public sealed class ServedOpenApiDocumentTests(ControlPlaneFixture server) : IClassFixture<ControlPlaneFixture>
{
    /// <summary>Set to 1 to write the served documents over the checked-in ones instead of comparing.</summary>
    private const string WriteVariable = "AEROGRID_WRITE_OPENAPI";

    private const string Regenerate =
        $"{WriteVariable}=1 dotnet test AeroGrid.Tests --filter FullyQualifiedName~ServedOpenApiDocumentTests";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    [Fact]
    public async Task The_checked_in_aerogrid_document_is_the_one_the_control_plane_serves()
    {
        using var http = new HttpClient { BaseAddress = server.Url };
        var served = JsonNode.Parse(await http.GetStringAsync("/openapi/v3/apis/aerogrid.io/v1alpha1", TestContext.Current.CancellationToken))!;
        var file = Path.Combine(RepoPaths.Root, "openapi", "aerogrid.io-v1alpha1.json");

        if (Environment.GetEnvironmentVariable(WriteVariable) == "1")
        {
            await File.WriteAllTextAsync(file, served.ToJsonString(Indented) + "\n", TestContext.Current.CancellationToken);
        }

        Assert.True(File.Exists(file), $"{file} is missing; write it with: {Regenerate}");
        var checkedIn = JsonNode.Parse(await File.ReadAllTextAsync(file, TestContext.Current.CancellationToken));
        Assert.True(JsonNode.DeepEquals(served, checkedIn),
            $"openapi/aerogrid.io-v1alpha1.json differs from what the control plane serves; regenerate it with: {Regenerate}");
    }

    [Theory]
    [InlineData("apps")]
    [InlineData("images")]
    [InlineData("revisions")]
    public async Task The_document_describes_every_operation_the_clients_use(string plural)
    {
        using var http = new HttpClient { BaseAddress = server.Url };
        var (_, document) = await http.GetJsonAsync("/openapi/v3/apis/aerogrid.io/v1alpha1");
        var paths = document["paths"]!.AsObject();
        var collection = $"/apis/aerogrid.io/v1alpha1/namespaces/{{namespace}}/{plural}";
        var item = collection + "/{name}";

        Assert.Equal(["get", "parameters", "post"], Verbs(paths, collection));
        Assert.Equal(["delete", "get", "parameters", "patch", "put"], Verbs(paths, item));
        var list = paths[collection]!["get"]!;
        Assert.EndsWith("List", list.Str("responses.200.content.application/json.schema.$ref"), StringComparison.Ordinal);
        Assert.Contains(list["parameters"]!.AsArray(), parameter => parameter.Str("name") == "watch");
        Assert.NotNull(list["responses"]!["200"]!["content"]!["application/json;stream=watch"]);
        Assert.EndsWith("Status", paths[item]!["get"].Str("responses.default.content.application/json.schema.$ref"), StringComparison.Ordinal);
        if (plural != "revisions")
        {
            Assert.Equal(["get", "parameters", "patch", "put"], Verbs(paths, item + "/status"));
        }
        if (plural is "apps" or "images")
        {
            Assert.Equal("string", paths[item + "/log"]!["get"].Str("responses.200.content.text/plain.schema.type"));
        }

        // Every reference resolves, and an object's metadata has ObjectMeta's fields.
        var schemas = document["components"]!["schemas"]!.AsObject();
        foreach (var reference in References(document))
        {
            Assert.True(schemas.ContainsKey(reference["#/components/schemas/".Length..]), $"{reference} does not resolve");
        }
        Assert.Equal("string", schemas["io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"].Str("properties.resourceVersion.type"));
    }

    private static string[] Verbs(JsonObject paths, string path)
    {
        Assert.True(paths.ContainsKey(path), $"the document has no path {path}");
        return [.. paths[path]!.AsObject().Select(entry => entry.Key).Order(StringComparer.Ordinal)];
    }

    private static IEnumerable<string> References(JsonNode? node) => node switch
    {
        JsonObject o => o.SelectMany(entry => entry.Key == "$ref" ? [entry.Value!.GetValue<string>()] : References(entry.Value)),
        JsonArray a => a.SelectMany(References),
        _ => [],
    };
}
