using System.Net;
using AeroGrid.Tests.Infrastructure;
using Microsoft.IdentityModel.Tokens;

namespace AeroGrid.Tests.ControlPlane;

/// <summary>Every resource route needs a valid token; a token reaches only its tenant and its permissions' verbs.</summary>
public sealed class AuthorizationTests(ControlPlaneFixture server) : IClassFixture<ControlPlaneFixture>
{
    private string Issuer => server.Issuer.ToString();

    public static TheoryData<string> BadTokens() => ["missing", "garbage", "expired", "not-yet-valid", "wrong-issuer", "wrong-audience", "bad-signature", "alg-none", "hs256-confusion"];

    [Theory]
    [MemberData(nameof(BadTokens))]
    public async Task A_bad_token_is_401_with_a_Status(string kind)
    {
        var key = TestTokens.DevKey(server.DataDirectory);
        var token = kind switch
        {
            "missing" => null,
            "garbage" => "not-a-jwt",
            "expired" => TestTokens.Create(key, Issuer, "acme", notBefore: DateTime.UtcNow.AddHours(-3), expires: DateTime.UtcNow.AddHours(-1)),
            "not-yet-valid" => TestTokens.Create(key, Issuer, "acme", notBefore: DateTime.UtcNow.AddMinutes(10), expires: DateTime.UtcNow.AddHours(1)),
            "wrong-issuer" => TestTokens.Create(key, "https://evil.example/", "acme"),
            "wrong-audience" => TestTokens.Create(key, Issuer, "acme", audience: "https://other.example"),
            "bad-signature" => TestTokens.Create(TestTokens.ForeignKey(key.KeyId), Issuer, "acme"),
            "alg-none" => TestTokens.Unsigned(Issuer, "acme"),
            // The public key's bytes used as an HMAC secret: must not be accepted as a signature.
            "hs256-confusion" => TestTokens.Create(
                new SymmetricSecurityKey(System.Text.Encoding.UTF8.GetBytes(await new HttpClient().GetStringAsync(new Uri(server.Issuer, ".well-known/jwks.json")))) { KeyId = key.KeyId },
                Issuer, "acme", algorithm: SecurityAlgorithms.HmacSha256),
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };
        using var http = server.Client(token);

        var (status, body) = await http.GetJsonAsync(Apps.Collection("acme"));

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("Status", body.Str("kind"));
        Assert.Equal("Unauthorized", body.Str("reason"));
    }

    [Fact]
    public async Task A_valid_token_made_here_is_accepted()
    {
        using var http = server.Client(TestTokens.Create(TestTokens.DevKey(server.DataDirectory), Issuer, "acme"));
        Assert.Equal(HttpStatusCode.OK, (await http.GetJsonAsync(Apps.Collection("acme"))).Status);
    }

    [Fact]
    public async Task A_tenant_never_reaches_another_tenant()
    {
        using var acme = server.Client(await server.TokenAsync("acme"));
        using var globex = server.Client(await server.TokenAsync("globex"));
        await globex.PostJsonAsync(Apps.Collection("globex"), Apps.Manifest("secret"));

        Assert.Equal(HttpStatusCode.Forbidden, (await acme.GetJsonAsync(Apps.Collection("globex"))).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await acme.GetJsonAsync(Apps.Item("globex", "secret"))).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await acme.PostJsonAsync(Apps.Collection("globex"), Apps.Manifest("intruder"))).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await acme.DeleteJsonAsync(Apps.Item("globex", "secret"))).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await acme.GetJsonAsync(Apps.Collection("globex") + "?watch=true")).Status);
        var (clusterStatus, forbidden) = await acme.GetJsonAsync("/apis/aerogrid.io/v1alpha1/apps");
        Assert.Equal(HttpStatusCode.Forbidden, clusterStatus);
        Assert.Equal("Forbidden", forbidden.Str("reason"));
        Assert.Equal(HttpStatusCode.Forbidden, (await acme.GetJsonAsync("/api/v1/namespaces")).Status);
        Assert.Equal(HttpStatusCode.OK, (await acme.GetJsonAsync("/api/v1/namespaces/acme")).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await acme.GetJsonAsync("/api/v1/namespaces/globex")).Status);
    }

    [Fact]
    public async Task Read_permission_reads_and_write_permission_writes()
    {
        using var reader = server.Client(await server.TokenAsync("acme", "apps:read"));
        using var invoker = server.Client(await server.TokenAsync("acme", "apps:invoke"));

        Assert.Equal(HttpStatusCode.OK, (await reader.GetJsonAsync(Apps.Collection("acme"))).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await reader.PostJsonAsync(Apps.Collection("acme"), Apps.Manifest("nope"))).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await invoker.GetJsonAsync(Apps.Collection("acme"))).Status);
    }

    [Fact]
    public async Task The_platform_identity_sees_every_tenant_and_discovery_is_open()
    {
        using var admin = server.Client(await server.AdminTokenAsync());
        using var anonymous = server.Client(null);

        Assert.Equal(HttpStatusCode.OK, (await admin.GetJsonAsync("/apis/aerogrid.io/v1alpha1/apps")).Status);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetJsonAsync("/api/v1/namespaces")).Status);
        foreach (var open in new[] { "/api", "/apis", "/apis/aerogrid.io/v1alpha1", "/version", "/healthz", "/openapi/v3" })
        {
            Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync(open)).StatusCode);
        }
    }
}
