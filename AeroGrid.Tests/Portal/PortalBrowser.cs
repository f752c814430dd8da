using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace AeroGrid.Tests.Portal;

/// <summary>
/// What a browser does with the Portal, over plain HTTP: a cookie jar, redirects followed by hand so each step can be
/// checked, and the CSRF header the front end sends on every change.
/// </summary>
public sealed partial class PortalBrowser : IDisposable
{
    private PortalBrowser(Uri portal)
    {
        Cookies = new CookieContainer();
        Http = new HttpClient(new HttpClientHandler { CookieContainer = Cookies, AllowAutoRedirect = false }) { BaseAddress = portal, Timeout = TimeSpan.FromSeconds(30) };
    }

    public CookieContainer Cookies { get; }

    public HttpClient Http { get; }

    public static PortalBrowser Anonymous(Uri portal) => new(portal);

    /// <summary>/signin, the issuer's page (choosing <paramref name="user"/>), the callback: the whole code flow.</summary>
    public static async Task<PortalBrowser> SignInAsync(Uri portal, string user, string returnUrl = "/")
    {
        var browser = new PortalBrowser(portal);
        var authorize = await browser.StartSignInAsync(returnUrl);
        var callback = await ChooseUserAsync(browser.Http, authorize, user);
        using var done = await browser.Http.GetAsync(callback);
        if (done.StatusCode != HttpStatusCode.Redirect)
        {
            throw new InvalidOperationException($"sign-in failed: {(int)done.StatusCode} {await done.Content.ReadAsStringAsync()}");
        }
        return browser;
    }

    /// <summary>GET /signin: the issuer's authorize URL the Portal redirects to.</summary>
    public async Task<Uri> StartSignInAsync(string returnUrl)
    {
        using var response = await Http.GetAsync($"/signin?returnUrl={Uri.EscapeDataString(returnUrl)}");
        return response.StatusCode == HttpStatusCode.Redirect ? response.Headers.Location! : throw new InvalidOperationException($"/signin answered {response.StatusCode}");
    }

    /// <summary>Submits the issuer's page as <paramref name="user"/>; returns the callback URL it redirects to.</summary>
    public static async Task<Uri> ChooseUserAsync(HttpClient http, Uri authorize, string user)
    {
        var page = await http.GetStringAsync(authorize);
        var fields = HiddenInput().Matches(page).ToDictionary(m => m.Groups[1].Value, m => WebUtility.HtmlDecode(m.Groups[2].Value));
        fields["user"] = user;
        using var response = await http.PostAsync(new Uri(authorize.GetLeftPart(UriPartial.Path)), new FormUrlEncodedContent(fields));
        return response.StatusCode == HttpStatusCode.Redirect ? response.Headers.Location! : throw new InvalidOperationException(await response.Content.ReadAsStringAsync());
    }

    /// <summary>A /bff call the way the front end makes it.</summary>
    public async Task<(HttpStatusCode Status, JsonNode? Body)> SendAsync(HttpMethod method, string path, JsonNode? body = null, bool csrf = true)
    {
        using var request = new HttpRequestMessage(method, path);
        if (csrf)
        {
            request.Headers.Add("X-AeroGrid-Csrf", "1");
        }
        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }
        using var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    public Task<(HttpStatusCode Status, JsonNode? Body)> GetAsync(string path) => SendAsync(HttpMethod.Get, path);

    public void Dispose() => Http.Dispose();

    [GeneratedRegex("type=\"hidden\" name=\"([a-z_]+)\" value=\"([^\"]*)\"")]
    private static partial Regex HiddenInput();
}
