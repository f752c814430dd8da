using System.Text.Json.Nodes;
using AeroGrid.AppHost.Publish;
using AeroGrid.Tests.Infrastructure;

namespace AeroGrid.Tests.Schema;

public sealed class ManifestWriterTests
{
    public static TheoryData<string> AmbiguousStrings =>
    [
        "", "true", "False", "yes", "NO", "on", "off", "y", "N", "null", "~", "Null",
        "1", "-1", "+1", "0", "1.5", ".5", "1e3", "0x1F", "0o17", "017", "1_000", "12:30", "2025-06-01", ".inf", "-.Inf", ".NaN",
        "a: b", "# not a comment", "x #y", "- item", "? key", "*alias", "&anchor", "!tag", "%directive", "@at", "`tick", "{brace", "[bracket",
        "'single'", "\"double\"", " leading space", "trailing space ", "tab\tinside", "unicode é ✓",
        "^python-3\\.[0-9]{1,2}$", ".status.phase", "app.kubernetes.io/part-of",
        "two\nlines", "ends with newline\n", "blank lines\n\n", "  indented first line\nsecond", "windows\r\nline ends", "control \u0001 char",
    ];

    [Theory]
    [MemberData(nameof(AmbiguousStrings))]
    public void Strings_stay_the_same_strings_as_values_and_as_keys(string value)
    {
        var document = new JsonObject { ["value"] = value, ["keys"] = new JsonObject { [value] = "x" } };
        AssertRoundTrips(document);
    }

    [Fact]
    public void Numbers_booleans_nulls_and_empty_collections_keep_their_types() =>
        AssertRoundTrips(new JsonObject
        {
            ["int"] = 1,
            ["negative"] = -2,
            ["long"] = 9_007_199_254_740_993,
            ["fraction"] = 1.5,
            ["large"] = 1e20,
            ["true"] = true,
            ["false"] = false,
            ["null"] = null,
            ["emptyObject"] = new JsonObject(),
            ["emptyArray"] = new JsonArray(),
            ["nested"] = new JsonArray(new JsonObject { ["replicas"] = 2 }, new JsonArray(1, "1")),
        });

    [Fact]
    public void Documents_are_separated_in_order()
    {
        var yaml = ManifestWriter.Write([new() { ["doc"] = 1 }, new() { ["doc"] = 2 }, new() { ["doc"] = 3 }]);
        Assert.Equal("doc: 1\n---\ndoc: 2\n---\ndoc: 3\n", yaml);
    }

    [Fact]
    public void Strings_that_look_like_other_types_are_double_quoted() =>
        Assert.Equal("a: \"true\"\nb: \"1\"\nc: plain\n", ManifestWriter.Write([new() { ["a"] = "true", ["b"] = "1", ["c"] = "plain" }]));

    private static void AssertRoundTrips(JsonObject document)
    {
        var yaml = ManifestWriter.Write([document]);
        var read = Assert.Single(YamlManifests.Parse(yaml));
        Assert.True(JsonNode.DeepEquals(document, read), $"wrote\n{document.ToJsonString()}\nas\n{yaml}\nwhich reads back as\n{read.ToJsonString()}");
    }
}
