using System.Net;
using System.Text.Json.Nodes;
using AeroGrid.Operator.Workloads.Kubernetes;
using AeroGrid.Tests.Infrastructure.Cluster;
using Microsoft.Extensions.Options;

namespace AeroGrid.Tests.Operator.Kubernetes;

/// <summary>The image-exists check of the cluster backend, against a registry double in each of its authentication modes.</summary>
public sealed class OciRegistryClientTests
{
    private const string Repository = "aerogrid/env";
    private const string Tag = "3f2a9c0d41e7b865";

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private static OciRegistryClient Client(HttpClient http, bool insecure = true) =>
        new(http, new RegistryTokenCache(TimeProvider.System), Options.Create(new KubernetesBackendOptions { InsecureRegistry = insecure }));

    /// <summary>The credentials as the Operator has them: read from the push Secret.</summary>
    private static RegistryCredentials Credentials(OciRegistryDouble registry, string password = OciRegistryDouble.Password) =>
        RegistryCredentials.FromSecret(
            RegistryCredentialsTests.Secret($$"""{"auths": {"{{registry.Host}}": {"username": "{{OciRegistryDouble.Username}}", "password": "{{password}}" } } }"""),
            registry.Host);

    private static string Head(string tag) => $"HEAD /v2/{Repository}/manifests/{tag}";

    [Fact]
    public async Task An_absent_tag_is_not_there_after_one_head()
    {
        await using var registry = await OciRegistryDouble.StartAsync(RegistryAuthMode.None, Cancellation);
        using var http = new HttpClient();

        Assert.False(await Client(http).HasManifestAsync(registry.Host, Repository, Tag, null, Cancellation));

        Assert.Equal([Head(Tag)], registry.Requests);
    }

    [Fact]
    public async Task A_pushed_tag_is_there_by_tag_and_by_digest_and_nothing_is_pushed()
    {
        await using var registry = await OciRegistryDouble.StartAsync(RegistryAuthMode.None, Cancellation);
        var digest = await registry.PushImageAsync(Repository, Tag, Cancellation);
        var pushed = registry.Requests.Count;
        using var http = new HttpClient();
        var client = Client(http);

        Assert.True(await client.HasManifestAsync(registry.Host, Repository, Tag, null, Cancellation));
        Assert.True(await client.HasManifestAsync(registry.Host, Repository, digest, null, Cancellation));
        Assert.False(await client.HasManifestAsync(registry.Host, "aerogrid/other", Tag, null, Cancellation));

        Assert.Equal([Head(Tag), Head(digest), $"HEAD /v2/aerogrid/other/manifests/{Tag}"], registry.Requests.Skip(pushed));
    }

    [Fact]
    public async Task A_registry_asking_for_basic_credentials_gets_them_on_the_second_head()
    {
        await using var registry = await OciRegistryDouble.StartAsync(RegistryAuthMode.Basic, Cancellation);
        await registry.PushImageAsync(Repository, Tag, Cancellation);
        var pushed = registry.Requests.Count;
        using var http = new HttpClient();

        Assert.True(await Client(http).HasManifestAsync(registry.Host, Repository, Tag, Credentials(registry), Cancellation));

        Assert.Equal([Head(Tag), Head(Tag)], registry.Requests.Skip(pushed));
    }

    [Fact]
    public async Task A_registry_with_a_token_service_is_asked_again_with_a_token_from_it()
    {
        await using var registry = await OciRegistryDouble.StartAsync(RegistryAuthMode.Bearer, Cancellation);
        await registry.PushImageAsync(Repository, Tag, Cancellation);
        var pushed = registry.Requests.Count;
        using var http = new HttpClient();

        Assert.True(await Client(http).HasManifestAsync(registry.Host, Repository, Tag, Credentials(registry), Cancellation));

        Assert.Equal([Head(Tag), "GET /token", Head(Tag)], registry.Requests.Skip(pushed));
    }

    [Fact]
    public async Task A_token_is_reused_for_the_next_lookup_in_the_same_repository()
    {
        await using var registry = await OciRegistryDouble.StartAsync(RegistryAuthMode.Bearer, Cancellation);
        await registry.PushImageAsync(Repository, Tag, Cancellation);
        var pushed = registry.Requests.Count;
        using var http = new HttpClient();
        var client = Client(http);
        var credentials = Credentials(registry);

        Assert.True(await client.HasManifestAsync(registry.Host, Repository, Tag, credentials, Cancellation));
        Assert.False(await client.HasManifestAsync(registry.Host, Repository, "0000000000000000", credentials, Cancellation));

        Assert.Equal([Head(Tag), "GET /token", Head(Tag), Head("0000000000000000")], registry.Requests.Skip(pushed));
    }

    [Theory]
    [InlineData(RegistryAuthMode.Basic, "{0} refused the credentials of aerogrid-registry-push for aerogrid/env (401)")]
    [InlineData(RegistryAuthMode.Bearer, "the token service http://{0}/token of {0} refused the credentials of aerogrid-registry-push for aerogrid/env (401)")]
    internal async Task A_wrong_password_is_an_error_naming_registry_repository_and_status_but_not_the_password(RegistryAuthMode auth, string message)
    {
        await using var registry = await OciRegistryDouble.StartAsync(auth, Cancellation);
        using var http = new HttpClient();

        var error = await Assert.ThrowsAsync<RegistryException>(() =>
            Client(http).HasManifestAsync(registry.Host, Repository, Tag, Credentials(registry, password: "not-the-password"), Cancellation));

        Assert.Equal(string.Format(System.Globalization.CultureInfo.InvariantCulture, message, registry.Host), error.Message);
        Assert.DoesNotContain("not-the-password", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_registry_asking_for_credentials_when_there_are_none_is_an_error_saying_so()
    {
        await using var registry = await OciRegistryDouble.StartAsync(RegistryAuthMode.Basic, Cancellation);
        using var http = new HttpClient();

        var error = await Assert.ThrowsAsync<RegistryException>(() => Client(http).HasManifestAsync(registry.Host, Repository, Tag, null, Cancellation));

        Assert.Equal($"{registry.Host} requires credentials for aerogrid/env (401), and none were given", error.Message);
    }

    [Fact]
    public async Task Without_insecure_registry_the_check_speaks_https_and_a_plain_http_registry_cannot_answer_it()
    {
        await using var registry = await OciRegistryDouble.StartAsync(RegistryAuthMode.None, Cancellation);
        using var http = new HttpClient();

        var error = await Assert.ThrowsAsync<RegistryException>(() =>
            Client(http, insecure: false).HasManifestAsync(registry.Host, Repository, Tag, null, Cancellation));

        Assert.StartsWith($"could not reach {registry.Host} to look for aerogrid/env:{Tag}", error.Message, StringComparison.Ordinal);
        Assert.Empty(registry.Requests);
    }

    [Fact]
    public async Task The_double_refuses_a_blob_whose_digest_does_not_match_whole_or_chunked()
    {
        await using var registry = await OciRegistryDouble.StartAsync(RegistryAuthMode.None, Cancellation);
        using var http = new HttpClient { BaseAddress = new Uri($"http://{registry.Host}") };
        var claimed = OciRegistryDouble.Digest("other content"u8.ToArray());

        using var whole = await http.PostAsync($"/v2/{Repository}/blobs/uploads/?digest={claimed}", new ByteArrayContent("content"u8.ToArray()), Cancellation);
        using var started = await http.PostAsync($"/v2/{Repository}/blobs/uploads/", null, Cancellation);
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        using var patched = await http.PatchAsync(started.Headers.Location, new ByteArrayContent("content"u8.ToArray()), Cancellation);
        Assert.Equal(HttpStatusCode.Accepted, patched.StatusCode);
        using var finished = await http.PutAsync($"{patched.Headers.Location}?digest={claimed}", null, Cancellation);
        using var blob = new HttpRequestMessage(HttpMethod.Head, $"/v2/{Repository}/blobs/{claimed}");
        using var stored = await http.SendAsync(blob, Cancellation);

        foreach (var refused in (HttpResponseMessage[])[whole, finished])
        {
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            var errors = JsonNode.Parse(await refused.Content.ReadAsStringAsync(Cancellation))!["errors"]!.AsArray();
            Assert.Equal("DIGEST_INVALID", errors.Single()!["code"]!.GetValue<string>());
        }
        Assert.Equal(HttpStatusCode.NotFound, stored.StatusCode);
    }
}
