using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using AeroGrid.Client.SignIn;
using AeroGrid.Tests.Infrastructure;

namespace AeroGrid.Tests.Client.SignIn;

/// <summary>
/// The desktop sign-in end to end against the real dev issuer: the "browser" is a real HTTP client that loads the
/// authorization page, picks a user as a person would, and follows the redirect to the library's loopback listener.
/// </summary>
public sealed partial class DesktopSignInTests(ControlPlaneFixture controlPlane) : IClassFixture<ControlPlaneFixture>
{
    private readonly HttpClient _http = new();

    [Fact]
    public async Task Signing_in_with_pkce_on_a_loopback_redirect_gives_a_token_the_api_accepts()
    {
        var tokens = await SignInAsync("dev@acme");

        Assert.True(tokens.CanRefresh);
        Assert.Equal(HttpStatusCode.OK, await ListAppsAsync("acme", await tokens.GetAccessTokenAsync(TestContext.Current.CancellationToken)));
        Assert.Equal(HttpStatusCode.Forbidden, await ListAppsAsync("globex", await tokens.GetAccessTokenAsync(TestContext.Current.CancellationToken)));
    }

    [Fact]
    public async Task A_token_close_to_expiry_is_refreshed_with_the_rotating_refresh_token()
    {
        var tokens = await SignInAsync("viewer@acme");
        var first = await tokens.GetAccessTokenAsync(TestContext.Current.CancellationToken);
        var expires = tokens.ExpiresAt;

        // Anything expiring within a day counts as close: every call refreshes.
        tokens.RefreshBefore = TimeSpan.FromDays(1);
        var second = await tokens.GetAccessTokenAsync(TestContext.Current.CancellationToken);
        var third = await tokens.GetAccessTokenAsync(TestContext.Current.CancellationToken);

        Assert.NotEqual(first, second);
        Assert.NotEqual(second, third); // the rotated refresh token worked too
        Assert.True(tokens.ExpiresAt >= expires);
        Assert.Equal(HttpStatusCode.OK, await ListAppsAsync("acme", third));
    }

    [Fact]
    public async Task A_refusal_on_the_redirect_is_a_sign_in_exception()
    {
        var signIn = new DesktopSignIn(_http);
        var error = await Assert.ThrowsAsync<SignInException>(() => signIn.SignInAsync(controlPlane.Issuer, "grid-console", async (url, ct) =>
        {
            var redirect = Regex.Match(url.Query, "redirect_uri=([^&]+)").Groups[1].Value;
            using var back = await _http.GetAsync(new Uri(Uri.UnescapeDataString(redirect) + "?error=access_denied&error_description=no"), ct);
        }, cancellationToken: TestContext.Current.CancellationToken));
        Assert.Contains("access_denied", error.Message, StringComparison.Ordinal);
    }

    private Task<TokenSource> SignInAsync(string user) =>
        new DesktopSignIn(_http).SignInAsync(controlPlane.Issuer, "grid-console", (url, ct) => ChooseUserAsync(url, user, ct),
            cancellationToken: TestContext.Current.CancellationToken);

    /// <summary>What a person does on the dev issuer's page: submit its form with the button of <paramref name="user"/>.</summary>
    private static async Task ChooseUserAsync(Uri authorize, string user, CancellationToken cancellationToken)
    {
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        var page = await browser.GetStringAsync(authorize, cancellationToken);
        var fields = HiddenField().Matches(page).ToDictionary(m => m.Groups[1].Value, m => WebUtility.HtmlDecode(m.Groups[2].Value));
        fields["user"] = user;
        using var posted = await browser.PostAsync(authorize.GetLeftPart(UriPartial.Path), new FormUrlEncodedContent(fields), cancellationToken);
        Assert.Equal(HttpStatusCode.Redirect, posted.StatusCode);
        Assert.StartsWith("http://127.0.0.1:", posted.Headers.Location!.ToString(), StringComparison.Ordinal);
        using var back = await browser.GetAsync(posted.Headers.Location, cancellationToken);
        Assert.Equal(HttpStatusCode.OK, back.StatusCode);
    }

    private async Task<HttpStatusCode> ListAppsAsync(string tenant, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(controlPlane.Url, $"/apis/aerogrid.io/v1alpha1/namespaces/{tenant}/apps"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await _http.SendAsync(request, TestContext.Current.CancellationToken);
        return response.StatusCode;
    }

    [GeneratedRegex("<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\">")]
    private static partial Regex HiddenField();
}
