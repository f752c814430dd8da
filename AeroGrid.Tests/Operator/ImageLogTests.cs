using System.Net;
using System.Text.Json.Nodes;
using AeroGrid.Api.Resources;
using AeroGrid.Tests.Infrastructure;

namespace AeroGrid.Tests.Operator;

/// <summary>An Image's build log, read and followed through the control plane's <c>log</c> subresource from the real Operator.</summary>
public sealed class ImageLogTests(OperatorFixture platform) : IClassFixture<OperatorFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private static string LogPath(string tenant, string image, string query = "") =>
        ResourceDefinitions.Image.ObjectPath(tenant, image) + "/log" + query;

    private async Task<(HttpStatusCode Status, string Body)> ReadAsync(string tenant, string path, params string[] permissions)
    {
        using var http = platform.ControlPlane.Client(await platform.ControlPlane.TokenAsync(tenant, permissions));
        http.Timeout = Timeout;
        using var response = await http.GetAsync(path);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private async Task<Image> CreateImageAsync(string tenant, string requirements)
    {
        var spec = new ImageSpec { Requirements = requirements };
        return await platform.Api.Images.CreateAsync(new Image
        {
            Metadata = new() { Name = ImageHash.ImageName(ImageHash.Of(spec)), NamespaceProperty = tenant },
            Spec = spec,
        });
    }

    /// <summary>Follows the log to its end; the Operator learns of a new Image through its watch, so until then it is 404.</summary>
    private async Task<string> FollowAsync(string tenant, string image) =>
        await Eventually.GetAsync(async () => await ReadAsync(tenant, LogPath(tenant, image, "?follow=true")) is (HttpStatusCode.OK, var body) ? body : null,
            Timeout, $"the build log of {tenant}/{image}");

    [Fact]
    public async Task Following_a_build_log_gives_the_whole_build_and_ends_with_it()
    {
        var image = await CreateImageAsync("acme", "greeting==1.0\n");
        var name = image.Metadata.Name!;

        var log = await FollowAsync("acme", name);

        Assert.Contains("Successfully installed greeting-1.0", log, StringComparison.Ordinal);
        // The stream ended because the build did: the Image says how it went.
        Assert.Equal(ImagePhase.Ready, (await platform.Api.Images.GetAsync("acme", name)).Status!.Phase);
        var (status, tail) = await ReadAsync("acme", LogPath("acme", name, "?tailLines=1"), "apps:read");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(log.TrimEnd('\n').Split('\n')[^1] + "\n", tail);
        using var kubectl = await Kubectl.ForTenantAsync(platform.ControlPlane, "acme");
        Assert.Equal((0, log), await kubectl.RunAsync("get", "--raw", LogPath("acme", name)));
    }

    [Fact]
    public async Task An_image_built_before_gives_the_log_of_the_build_that_made_it()
    {
        Wheelhouse.AddWheel(platform.WheelDirectory, "farewell", "1.0", "def part():\n    return 'bye'\n");
        var first = await CreateImageAsync("acme", "farewell==1.0\n");
        var built = await FollowAsync("acme", first.Metadata.Name!);
        Assert.Contains("Successfully installed farewell-1.0", built, StringComparison.Ordinal);

        // The same dependencies in another tenant: the same environment, ready at once, and the same log.
        var again = await CreateImageAsync("globex", "farewell==1.0\n");
        var log = await FollowAsync("globex", again.Metadata.Name!);

        Assert.Equal(built, log);
        var image = await platform.Api.Images.GetAsync("globex", again.Metadata.Name!);
        Assert.Equal("The environment was already built.", image.Status!.Message);
    }

    [Fact]
    public async Task Another_tenant_is_refused_and_an_unknown_image_is_not_found()
    {
        var image = await CreateImageAsync("acme", "");
        await FollowAsync("acme", image.Metadata.Name!);

        var (forbidden, refusal) = await ReadAsync("globex", LogPath("acme", image.Metadata.Name!));
        Assert.Equal(HttpStatusCode.Forbidden, forbidden);
        Assert.Equal("Forbidden", JsonNode.Parse(refusal).Str("reason"));

        var (missing, notFound) = await ReadAsync("acme", LogPath("acme", "env-0000"));
        Assert.Equal(HttpStatusCode.NotFound, missing);
        Assert.Equal("image acme/env-0000 does not exist", JsonNode.Parse(notFound).Str("message"));
    }
}
