using System.Net;
using System.Text.Json.Nodes;
using AeroGrid.AppHost.Auth0;
using AeroGrid.ServiceDefaults.Authentication;
using AeroGrid.Tests.Infrastructure;

namespace AeroGrid.Tests.ServiceDefaults.Authentication;

/// <summary>
/// The services' JwtBearer validation against tokens shaped like those Auth0 issues for what provisioning creates: the
/// API (audience, RS256, RBAC permissions in the token), an Organization per tenant (<c>org_id</c>, and <c>org_name</c>
/// with the tenant setting provisioning turns on), the Operator's machine-to-machine client.
/// </summary>
public sealed class Auth0TokenValidationTests(Auth0ValidatingApp service) : IClassFixture<Auth0ValidatingApp>
{
    private const string Caller = Auth0ValidatingApp.Prefix + "/caller";
    /// <summary>What Auth0 puts in a developer's token: the permissions provisioning gives the role.</summary>
    private static readonly string[] Developer = IdentityObjects.Roles.Single(role => role.Name == "developer").Permissions;

    private static string Apps(string tenant) => $"{Auth0ValidatingApp.Prefix}/namespaces/{tenant}/apps";

    private async Task<HttpResponseMessage> GetAsync(string path, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new("Bearer", token);
        return await service.Client.SendAsync(request, TestContext.Current.CancellationToken);
    }

    private async Task<(HttpStatusCode Status, JsonObject Body)> CallerAsync(string token)
    {
        using var response = await GetAsync(Caller, token);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        return (response.StatusCode, text.Length == 0 ? [] : (JsonObject)JsonNode.Parse(text)!);
    }

    [Fact]
    public async Task A_members_token_is_accepted_and_its_organization_is_the_tenant()
    {
        var token = service.Tokens.User("acme", Developer);

        var (status, caller) = await CallerAsync(token);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("acme", caller.Str("tenant"));
        Assert.Equal("auth0|6650a1f3c2b1e4d7f8a9b0c1", caller.Str("subject"));
        var permissions = caller["permissions"]!.AsArray().Select(p => (string?)p).ToList();
        Assert.Equal([Permissions.AppsInvoke, Permissions.AppsRead, Permissions.AppsWrite], permissions.Intersect(Developer).Order());
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(Apps("acme"), token)).StatusCode);
    }

    [Fact]
    public async Task A_token_of_another_tenant_is_forbidden()
    {
        var token = service.Tokens.User("acme", Developer);

        Assert.Equal(HttpStatusCode.Forbidden, (await GetAsync(Apps("globex"), token)).StatusCode);
    }

    /// <summary>Without the tenant setting Auth0 sends only the opaque <c>org_id</c>, which names no namespace.</summary>
    [Fact]
    public async Task A_token_with_only_an_org_id_reaches_no_tenant()
    {
        var token = service.Tokens.User(orgName: null, Developer);

        Assert.Equal(HttpStatusCode.Forbidden, (await GetAsync(Apps("acme"), token)).StatusCode);
    }

    [Fact]
    public async Task The_operators_client_credentials_token_is_the_platform()
    {
        var token = service.Tokens.Machine("OperatorClientIdFromAuth0xxxxxxx", IdentityObjects.OperatorScopes);

        var (status, caller) = await CallerAsync(token);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("true", caller["isPlatformAdmin"]!.ToJsonString());
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(Apps("globex"), token)).StatusCode);
    }

    public static TheoryData<string> Refused() => ["issuer-without-trailing-slash", "another-issuer", "another-audience", "expired"];

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task A_token_Auth0_did_not_issue_for_this_API_is_refused(string kind)
    {
        var tokens = service.Tokens;
        var token = kind switch
        {
            "issuer-without-trailing-slash" => tokens.User("acme", Developer, issuer: tokens.Issuer.TrimEnd('/')),
            "another-issuer" => tokens.User("acme", Developer, issuer: "https://someone-else.eu.auth0.com/"),
            "another-audience" => tokens.User("acme", Developer, tokenAudience: "https://another-api.example"),
            "expired" => tokens.User("acme", Developer, expires: DateTime.UtcNow.AddMinutes(-5)),
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };

        using var response = await GetAsync(Caller, token);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
