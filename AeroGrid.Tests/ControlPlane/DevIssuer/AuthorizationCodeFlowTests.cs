using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using AeroGrid.Tests.Infrastructure;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AeroGrid.Tests.ControlPlane.DevIssuer;

/// <summary>The dev issuer's sign-in for people (the Portal's path): authorization code with PKCE, as Auth0 does it.</summary>
public sealed class AuthorizationCodeFlowTests(ControlPlaneFixture server) : IClassFixture<ControlPlaneFixture>
{
    private const string RedirectUri = "http://127.0.0.1:7400/signin-callback";
    private static readonly HttpClient Browser = new(new HttpClientHandler { AllowAutoRedirect = false });

    private static (string Verifier, string Challenge) Pkce()
    {
        var verifier = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));
        return (verifier, Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))));
    }

    private static Dictionary<string, string> AuthorizeRequest(string challenge, string redirectUri = RedirectUri) => new()
    {
        ["response_type"] = "code",
        ["client_id"] = "aerogrid-portal",
        ["redirect_uri"] = redirectUri,
        ["state"] = "s-123",
        ["code_challenge"] = challenge,
        ["code_challenge_method"] = "S256",
        ["scope"] = "openid profile",
    };

    private async Task<string> SignInAsync(string user, string challenge, string? nonce = null)
    {
        var form = AuthorizeRequest(challenge);
        form["user"] = user;
        if (nonce is not null)
        {
            form["nonce"] = nonce;
        }
        using var response = await Browser.PostAsync(new Uri(server.Issuer, "authorize"), new FormUrlEncodedContent(form));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!.ToString();
        Assert.StartsWith(RedirectUri + "?code=", location, StringComparison.Ordinal);
        Assert.EndsWith("&state=s-123", location, StringComparison.Ordinal);
        return Uri.UnescapeDataString(location[(RedirectUri.Length + "?code=".Length)..location.IndexOf("&state", StringComparison.Ordinal)]);
    }

    private async Task<(HttpStatusCode Status, JsonObject Body)> ExchangeAsync(string code, string verifier)
    {
        using var response = await Browser.PostAsync(new Uri(server.Issuer, "oauth/token"), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["code"] = code,
            ["client_id"] = "aerogrid-portal",
            ["redirect_uri"] = RedirectUri,
            ["code_verifier"] = verifier,
        }));
        return (response.StatusCode, (await response.Content.ReadFromJsonAsync<JsonObject>())!);
    }

    [Fact]
    public async Task The_sign_in_page_lists_a_developer_and_a_viewer_per_tenant()
    {
        var query = string.Join('&', AuthorizeRequest(Pkce().Challenge).Select(p => $"{p.Key}={Uri.EscapeDataString(p.Value)}"));

        var page = await Browser.GetStringAsync(new Uri(server.Issuer, $"authorize?{query}"));

        foreach (var user in new[] { "dev@acme", "viewer@acme", "dev@globex", "viewer@globex" })
        {
            Assert.Contains($"value=\"{user}\"", page, StringComparison.Ordinal);
        }
        var discovery = await Browser.GetFromJsonAsync<JsonObject>(new Uri(server.Issuer, ".well-known/openid-configuration"));
        Assert.Equal(new Uri(server.Issuer, "authorize").ToString(), discovery!["authorization_endpoint"]!.GetValue<string>());
        Assert.Contains("S256", discovery["code_challenge_methods_supported"]!.AsArray().Select(m => m!.GetValue<string>()));
    }

    [Fact]
    public async Task A_code_and_its_verifier_give_tokens_the_API_accepts_with_the_users_permissions()
    {
        var (verifier, challenge) = Pkce();
        var code = await SignInAsync("viewer@acme", challenge);

        var (status, tokens) = await ExchangeAsync(code, verifier);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.NotNull(tokens["id_token"]);
        Assert.Equal(8 * 3600, tokens["expires_in"]!.GetValue<int>()); // A working day in the Portal.
        using var api = server.Client(tokens["access_token"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, (await api.GetJsonAsync(Apps.Collection("acme"))).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await api.PostJsonAsync(Apps.Collection("acme"), Apps.Manifest("viewer-cannot"))).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await api.GetJsonAsync(Apps.Collection("globex"))).Status);

        var (again, reused) = await ExchangeAsync(code, verifier);
        Assert.Equal(HttpStatusCode.BadRequest, again);
        Assert.Equal("invalid_grant", reused["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_nonce_a_sign_in_started_with_comes_back_in_the_id_token_only()
    {
        var (verifier, challenge) = Pkce();
        var code = await SignInAsync("dev@acme", challenge, nonce: "n-456");

        var (status, tokens) = await ExchangeAsync(code, verifier);

        Assert.Equal(HttpStatusCode.OK, status);
        var identity = new JsonWebToken(tokens["id_token"]!.GetValue<string>());
        Assert.Equal("n-456", identity.GetPayloadValue<string>("nonce"));
        Assert.Equal("aerogrid-portal", Assert.Single(identity.Audiences));
        Assert.False(new JsonWebToken(tokens["access_token"]!.GetValue<string>()).TryGetPayloadValue<string>("nonce", out _));
    }

    [Theory]
    [InlineData("http://127.0.0.1:7400/", HttpStatusCode.Redirect)]
    [InlineData("https://evil.example/", HttpStatusCode.BadRequest)]
    public async Task Logout_sends_the_browser_back_only_to_an_address_on_this_machine(string back, HttpStatusCode expected)
    {
        var discovery = await Browser.GetFromJsonAsync<JsonObject>(new Uri(server.Issuer, ".well-known/openid-configuration"));
        var endSession = discovery!["end_session_endpoint"]!.GetValue<string>();
        Assert.Equal(new Uri(server.Issuer, "logout").ToString(), endSession);

        using var response = await Browser.GetAsync($"{endSession}?client_id=aerogrid-portal&post_logout_redirect_uri={Uri.EscapeDataString(back)}");

        Assert.Equal(expected, response.StatusCode);
        if (expected == HttpStatusCode.Redirect)
        {
            Assert.Equal(back, response.Headers.Location!.ToString());
        }
    }

    [Fact]
    public async Task A_wrong_verifier_gets_nothing()
    {
        var (_, challenge) = Pkce();
        var code = await SignInAsync("dev@acme", challenge);

        var (status, body) = await ExchangeAsync(code, Pkce().Verifier);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_grant", body["error"]!.GetValue<string>());
        Assert.Null(body["access_token"]);
    }

    [Theory]
    [InlineData("https://evil.example/callback", "S256")]
    [InlineData(RedirectUri, "plain")]
    public async Task Requests_without_pkce_or_to_another_host_are_refused(string redirectUri, string method)
    {
        var request = AuthorizeRequest(Pkce().Challenge, redirectUri);
        request["code_challenge_method"] = method;
        var query = string.Join('&', request.Select(p => $"{p.Key}={Uri.EscapeDataString(p.Value)}"));

        using var response = await Browser.GetAsync(new Uri(server.Issuer, $"authorize?{query}"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("role=\"alert\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
