using System.Text.Json.Nodes;
using AeroGrid.ControlPlane.Api.Patching;
using YamlDotNet.Core;

namespace AeroGrid.Tests.ControlPlane;

public sealed class YamlJsonTests
{
    [Fact]
    public void Scalars_are_typed_as_kubectl_types_them_and_quoted_ones_stay_strings()
    {
        var document = Assert.Single(YamlJson.Read("a: yes\nb: Off\nc: ~\nd: 12\ne: 1.5\nf: \"12\"\ng: 0x1F\nh: 2025-06-01\ni: 'true'\n"))!;

        var expected = JsonNode.Parse("""{"a":true,"b":false,"c":null,"d":12,"e":1.5,"f":"12","g":"0x1F","h":"2025-06-01","i":"true"}""");
        Assert.True(JsonNode.DeepEquals(expected, document), document.ToJsonString());
    }

    [Theory]
    [InlineData("0x1F")]
    [InlineData("1_000")]
    [InlineData("2025-06-01")]
    [InlineData(".inf")]
    public void Strict_reading_refuses_a_plain_scalar_some_reader_takes_for_a_number(string scalar)
    {
        var error = Assert.Throws<YamlException>(() => YamlJson.Read($"value: {scalar}\n", strict: true));

        Assert.Contains($"'{scalar}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_document_of_a_stream_is_read_in_order() =>
        Assert.Equal([1, 2], YamlJson.Read("n: 1\n---\nn: 2\n").Select(document => document!["n"]!.GetValue<long>()));
}
