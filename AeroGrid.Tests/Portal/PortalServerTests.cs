using System.Net;
using System.Text.Json.Nodes;
using AeroGrid.Tests.Infrastructure;

namespace AeroGrid.Tests.Portal;

/// <summary>The Portal's server over real HTTP: sign-in through the dev issuer's code flow, sessions, and its API as each person.</summary>
public sealed class PortalServerTests(PortalServerFixture portal) : IClassFixture<PortalServerFixture>
{
    private static JsonObject App(string name, string message) => new()
    {
        ["metadata"] = new JsonObject { ["name"] = name },
        ["spec"] = new JsonObject
        {
            ["files"] = new JsonArray(new JsonObject { ["path"] = "app.py", ["content"] = $"print('{message}')\n" }),
        },
    };

    [Fact]
    public async Task Signing_in_gives_an_http_only_session_cookie_and_no_token_reaches_the_browser()
    {
        using var browser = await portal.SignInAsync("dev@acme");

        var cookie = browser.Cookies.GetAllCookies().Single(c => c.Name == "aerogrid.session");
        Assert.True(cookie.HttpOnly);
        Assert.DoesNotContain('.', cookie.Value); // An encrypted reference to the session on the server, not a JWT.
        Assert.InRange(cookie.Expires.ToUniversalTime(), DateTime.UtcNow, DateTime.UtcNow.AddHours(8)); // At most a working day.
        Assert.DoesNotContain(browser.Cookies.GetAllCookies(), c => c.Value.StartsWith("eyJ", StringComparison.Ordinal));
        var (status, me) = await browser.GetAsync("/bff/me");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("dev@acme", me.Str("subject"));
        Assert.Equal("acme", me.Str("tenant"));
        Assert.True(me!["canWrite"]!.GetValue<bool>());
        Assert.DoesNotContain("eyJ", me.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_sign_in_returns_only_to_a_page_of_the_portal()
    {
        using var browser = PortalBrowser.Anonymous(portal.Url);
        var authorize = await browser.StartSignInAsync("https://evil.example/steal");
        var callback = await PortalBrowser.ChooseUserAsync(browser.Http, authorize, "dev@acme");
        using var done = await browser.Http.GetAsync(callback);

        Assert.Equal(HttpStatusCode.Redirect, done.StatusCode);
        Assert.Equal("/", done.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task A_callback_that_this_browser_did_not_start_is_refused()
    {
        using var victim = PortalBrowser.Anonymous(portal.Url);
        var authorize = await victim.StartSignInAsync("/");
        var callback = await PortalBrowser.ChooseUserAsync(victim.Http, authorize, "dev@acme");

        // Another browser (no pending sign-in cookie) following the same callback must not be signed in.
        using var attacker = PortalBrowser.Anonymous(portal.Url);
        using var response = await attacker.Http.GetAsync(callback);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("<h1>Sign-in expired</h1>", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain(attacker.Cookies.GetAllCookies(), c => c.Name == "aerogrid.session");
        Assert.Equal(HttpStatusCode.Unauthorized, (await attacker.GetAsync("/bff/me")).Status);
    }

    [Fact]
    public async Task A_sign_in_the_issuer_refuses_ends_on_a_page_that_says_so_and_starts_no_session()
    {
        using var browser = PortalBrowser.Anonymous(portal.Url);
        var authorize = await browser.StartSignInAsync("/");
        var state = System.Web.HttpUtility.ParseQueryString(authorize.Query)["state"];

        // What the issuer answers when the person declines (RFC 6749, section 4.1.2.1).
        using var response = await browser.Http.GetAsync(
            $"/signin-callback?error=access_denied&error_description={Uri.EscapeDataString("The person declined.")}&state={Uri.EscapeDataString(state!)}");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType!.MediaType);
        var page = await response.Content.ReadAsStringAsync();
        Assert.Contains("<h1>Sign-in refused</h1>", page, StringComparison.Ordinal);
        Assert.Contains("The person declined.", page, StringComparison.Ordinal);
        Assert.DoesNotContain(browser.Cookies.GetAllCookies(), c => c.Name == "aerogrid.session");
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/bff/me")).Status);
    }

    [Fact]
    public async Task An_access_token_for_another_audience_signs_nobody_in()
    {
        // The dev issuer mints access tokens for https://api.aerogrid.io only; this Portal expects another API.
        var url = new Uri($"http://127.0.0.1:{ServiceProcess.FreePort()}");
        await using var elsewhere = await portal.StartPortalAsync(url, portal.ControlPlane.Issuer, "--Auth:Audience", "https://elsewhere.example");
        using var browser = PortalBrowser.Anonymous(url);
        var authorize = await browser.StartSignInAsync("/");
        Assert.Equal("https://elsewhere.example", System.Web.HttpUtility.ParseQueryString(authorize.Query)["audience"]);
        var callback = await PortalBrowser.ChooseUserAsync(browser.Http, authorize, "dev@acme");

        using var response = await browser.Http.GetAsync(callback);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var page = await response.Content.ReadAsStringAsync();
        Assert.Contains("<h1>Sign-in failed</h1>", page, StringComparison.Ordinal);
        Assert.Contains("access token is not valid (SecurityTokenInvalidAudienceException)", page, StringComparison.Ordinal);
        Assert.DoesNotContain(browser.Cookies.GetAllCookies(), c => c.Name == "aerogrid.session");
    }

    [Fact]
    public async Task When_the_issuer_cannot_be_reached_signing_in_says_so_and_the_api_still_answers_401()
    {
        var url = new Uri($"http://127.0.0.1:{ServiceProcess.FreePort()}");
        var nobody = new Uri($"http://127.0.0.1:{ServiceProcess.FreePort()}/dev-issuer/");
        await using var stranded = await portal.StartPortalAsync(url, nobody);
        using var browser = PortalBrowser.Anonymous(url);

        using var signIn = await browser.Http.GetAsync("/signin?returnUrl=/");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, signIn.StatusCode);
        Assert.Contains("The sign-in service cannot be reached right now.", await signIn.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        // A fetch of the front end gets 401, never a redirect to the issuer.
        var (status, body) = await browser.GetAsync("/bff/apps");
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("Unauthorized", body.Str("reason"));
    }

    [Fact]
    public async Task A_session_ends_on_the_server_at_the_portals_longest_session_lifetime()
    {
        var url = new Uri($"http://127.0.0.1:{ServiceProcess.FreePort()}");
        await using var shortLived = await portal.StartPortalAsync(url, portal.ControlPlane.Issuer, "--Portal:MaxSessionLifetime", "00:00:03");
        using var browser = await PortalBrowser.SignInAsync(url, "dev@acme");
        var id = browser.Cookies.GetAllCookies().Single(c => c.Name == "aerogrid.session").Value;
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/bff/me")).Status);

        // A copy of the cookie that the browser would keep longer (no expiry of its own) is refused too.
        using var replay = PortalBrowser.Anonymous(url);
        replay.Cookies.Add(url, new Cookie("aerogrid.session", id));
        await Eventually.TrueAsync(async () => (await replay.GetAsync("/bff/me")).Status == HttpStatusCode.Unauthorized,
            TimeSpan.FromSeconds(10), () => "the session to end");
    }

    [Fact]
    public async Task Without_a_session_or_without_the_csrf_header_nothing_happens()
    {
        using var anonymous = PortalBrowser.Anonymous(portal.Url);
        var (status, body) = await anonymous.GetAsync("/bff/apps");
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("Status", body.Str("kind"));

        using var browser = await portal.SignInAsync("dev@acme");
        (status, body) = await browser.SendAsync(HttpMethod.Post, "/bff/apps", App("no-csrf", "x"), csrf: false);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("X-AeroGrid-Csrf", body.Str("message"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await browser.GetAsync("/bff/apps/no-csrf")).Status);
    }

    [Fact]
    public async Task When_the_gateway_cannot_be_reached_the_request_and_data_panels_say_so()
    {
        // This fixture's Portal points at a gateway port nobody listens on.
        using var browser = await portal.SignInAsync("dev@acme");
        var invoke = new JsonObject { ["method"] = "GET", ["path"] = "/" };

        foreach (var (status, body) in new[]
        {
            await browser.SendAsync(HttpMethod.Post, "/bff/apps/unreachable/invoke", invoke),
            await browser.GetAsync("/bff/apps/unreachable/grids"),
        })
        {
            Assert.Equal(HttpStatusCode.BadGateway, status);
            Assert.Equal("Status", body.Str("kind"));
            Assert.StartsWith("The gateway cannot be reached right now", body.Str("message"), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_viewer_reads_but_the_api_refuses_their_changes()
    {
        using var developer = await portal.SignInAsync("dev@acme");
        Assert.Equal(HttpStatusCode.Created, (await developer.SendAsync(HttpMethod.Post, "/bff/apps", App("looked-at", "hi"))).Status);
        using var viewer = await portal.SignInAsync("viewer@acme");

        var (status, me) = await viewer.GetAsync("/bff/me");
        Assert.False(me!["canWrite"]!.GetValue<bool>());
        Assert.Equal(HttpStatusCode.OK, (await viewer.GetAsync("/bff/apps/looked-at")).Status);
        (status, var refusal) = await viewer.SendAsync(HttpMethod.Post, "/bff/apps", App("not-allowed", "x"));
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal("Forbidden", refusal.Str("reason"));
        (status, _) = await viewer.SendAsync(HttpMethod.Delete, "/bff/apps/looked-at");
        Assert.Equal(HttpStatusCode.Forbidden, status);
    }

    [Fact]
    public async Task A_person_sees_only_the_apps_of_their_own_tenant()
    {
        using var globex = await portal.SignInAsync("dev@globex");
        Assert.Equal(HttpStatusCode.Created, (await globex.SendAsync(HttpMethod.Post, "/bff/apps", App("globex-secret", "x"))).Status);
        using var acme = await portal.SignInAsync("dev@acme");

        var (_, list) = await acme.GetAsync("/bff/apps");
        Assert.DoesNotContain("globex-secret", list!.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await acme.GetAsync("/bff/apps/globex-secret")).Status);
        // A body naming the other tenant changes nothing: the Portal always acts in the person's own tenant.
        var sneaky = App("sneaky", "x");
        sneaky["metadata"]!["namespace"] = "globex";
        var (status, created) = await acme.SendAsync(HttpMethod.Post, "/bff/apps", sneaky);
        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal("acme", created!["metadata"].Str("namespace"));
    }

    [Fact]
    public async Task A_save_from_an_old_version_is_a_conflict_and_changes_nothing()
    {
        using var browser = await portal.SignInAsync("dev@acme");
        var (_, created) = await browser.SendAsync(HttpMethod.Post, "/bff/apps", App("contested", "first"));
        var first = created!.AsObject();
        var theirs = first.DeepClone();
        theirs["spec"]!["files"]![0]!["content"] = "print('theirs')\n";
        Assert.Equal(HttpStatusCode.OK, (await browser.SendAsync(HttpMethod.Put, "/bff/apps/contested", theirs)).Status);

        var mine = first.DeepClone();
        mine["spec"]!["files"]![0]!["content"] = "print('mine')\n";
        var (status, body) = await browser.SendAsync(HttpMethod.Put, "/bff/apps/contested", mine);

        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Equal("Conflict", body.Str("reason"));
        var (_, current) = await browser.GetAsync("/bff/apps/contested");
        Assert.Equal("print('theirs')\n", current!["spec"]!["files"]![0].Str("content"));
    }

    [Fact]
    public async Task A_save_after_the_platform_changed_metadata_or_status_is_not_a_conflict_and_keeps_those_changes()
    {
        using var browser = await portal.SignInAsync("dev@acme");
        var (_, created) = await browser.SendAsync(HttpMethod.Post, "/bff/apps", App("busy", "first"));
        // What the Operator does all the time: a finalizer, a status. The spec's generation stays the same.
        using var admin = portal.ControlPlane.Client(await portal.ControlPlane.AdminTokenAsync());
        var (status, _) = await admin.MergePatchAsync("/apis/aerogrid.io/v1alpha1/namespaces/acme/apps/busy",
            new JsonObject { ["metadata"] = new JsonObject { ["finalizers"] = new JsonArray("aerogrid.io/test") } });
        Assert.Equal(HttpStatusCode.OK, status);

        var mine = created!.DeepClone();
        mine["spec"]!["files"]![0]!["content"] = "print('mine')\n";
        var (saved, body) = await browser.SendAsync(HttpMethod.Put, "/bff/apps/busy", mine);

        Assert.Equal(HttpStatusCode.OK, saved);
        Assert.Equal("print('mine')\n", body!["spec"]!["files"]![0].Str("content"));
        Assert.Equal("aerogrid.io/test", body["metadata"]!["finalizers"]![0]!.GetValue<string>());
        await admin.MergePatchAsync("/apis/aerogrid.io/v1alpha1/namespaces/acme/apps/busy",
            new JsonObject { ["metadata"] = new JsonObject { ["finalizers"] = null } });
    }

    [Fact]
    public async Task Rolling_back_copies_a_revisions_code_into_the_app()
    {
        using var browser = await portal.SignInAsync("dev@acme");
        var (_, created) = await browser.SendAsync(HttpMethod.Post, "/bff/apps", App("rolled", "now"));
        // The Revision the Operator would have written when revision 1 served.
        using var admin = portal.ControlPlane.Client(await portal.ControlPlane.AdminTokenAsync());
        var (status, _) = await admin.PostJsonAsync("/apis/aerogrid.io/v1alpha1/namespaces/acme/revisions", new JsonObject
        {
            ["apiVersion"] = "aerogrid.io/v1alpha1",
            ["kind"] = "Revision",
            ["metadata"] = new JsonObject { ["name"] = "rolled-1", ["labels"] = new JsonObject { ["aerogrid.io/app"] = "rolled", ["aerogrid.io/revision"] = "1" } },
            ["spec"] = new JsonObject
            {
                ["app"] = "rolled", ["revision"] = 1, ["revisionHash"] = "0123456789abcdef", ["image"] = "env-x",
                ["files"] = new JsonArray(new JsonObject { ["path"] = "app.py", ["content"] = "print('before')\n" }),
            },
        });
        Assert.Equal(HttpStatusCode.Created, status);

        var (_, history) = await browser.GetAsync("/bff/apps/rolled/revisions");
        Assert.Equal("rolled-1", history!["items"]![0]!["metadata"].Str("name"));
        Assert.Equal(HttpStatusCode.NotFound, (await browser.SendAsync(HttpMethod.Post, "/bff/apps/rolled/rollback", new JsonObject { ["revision"] = 7 })).Status);
        var (rolled, app) = await browser.SendAsync(HttpMethod.Post, "/bff/apps/rolled/rollback",
            new JsonObject { ["revision"] = 1, ["generation"] = created!["metadata"]!["generation"]!.DeepClone() });

        Assert.Equal(HttpStatusCode.OK, rolled);
        Assert.Equal("print('before')\n", app!["spec"]!["files"]![0].Str("content"));
        Assert.Equal(2, app["metadata"]!["generation"]!.GetValue<long>());
    }

    [Fact]
    public async Task Every_app_name_is_reachable_and_nothing_else_reaches_the_api()
    {
        using var browser = await portal.SignInAsync("dev@acme");
        Assert.Equal(HttpStatusCode.Created, (await browser.SendAsync(HttpMethod.Post, "/bff/apps", App("events", "x"))).Status);
        var (status, app) = await browser.GetAsync("/bff/apps/events");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("events", app!["metadata"].Str("name"));

        // Not a DNS label: not a route, so it never becomes part of a selector or path the Portal sends on.
        (status, var refusal) = await browser.GetAsync("/bff/apps/events,x%3Dy/revisions");
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("There is no such Portal API route.", refusal.Str("message"));
    }

    [Fact]
    public async Task The_event_stream_starts_with_a_snapshot_and_then_reports_changes()
    {
        using var browser = await portal.SignInAsync("dev@acme");
        await browser.SendAsync(HttpMethod.Post, "/bff/apps", App("already-there", "x"));
        using var response = await browser.Http.GetAsync("/bff/watch/apps", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());

        var (name, data) = await NextEventAsync(reader);
        Assert.Equal("snapshot", name);
        Assert.Contains(data["items"]!.AsArray(), app => app.Str("metadata.name") == "already-there");

        await browser.SendAsync(HttpMethod.Post, "/bff/apps", App("arrives-later", "x"));
        (name, data) = await NextEventAsync(reader);
        while (data.Str("object.metadata.name") != "arrives-later")
        {
            (name, data) = await NextEventAsync(reader);
        }
        Assert.Equal("change", name);
        Assert.Equal("ADDED", data.Str("type"));
    }

    [Fact]
    public async Task Signing_out_ends_the_session_on_the_server()
    {
        using var browser = await portal.SignInAsync("dev@acme");
        var id = browser.Cookies.GetAllCookies().Single(c => c.Name == "aerogrid.session").Value;

        var (status, body) = await browser.SendAsync(HttpMethod.Post, "/bff/signout");
        Assert.Equal(HttpStatusCode.OK, status);

        // The issuer's own session ends too (its end_session endpoint), and it sends the browser back to the Portal.
        var logout = new Uri(body.Str("redirect")!);
        Assert.Equal(new Uri(portal.ControlPlane.Issuer, "logout").ToString(), logout.GetLeftPart(UriPartial.Path));
        var query = System.Web.HttpUtility.ParseQueryString(logout.Query);
        Assert.Equal("aerogrid-portal", query["client_id"]);
        Assert.NotNull(query["id_token_hint"]);
        using var back = await browser.Http.GetAsync(logout);
        Assert.Equal(HttpStatusCode.Redirect, back.StatusCode);
        Assert.Equal(new Uri(portal.Url, "/"), back.Headers.Location);

        // Even a copy of the old cookie no longer works.
        using var replay = PortalBrowser.Anonymous(portal.Url);
        replay.Cookies.Add(portal.Url, new Cookie("aerogrid.session", id));
        Assert.Equal(HttpStatusCode.Unauthorized, (await replay.GetAsync("/bff/me")).Status);
    }

    [Fact]
    public async Task Templates_are_the_samples_and_every_page_has_a_content_security_policy()
    {
        using var browser = await portal.SignInAsync("viewer@acme");
        var (_, templates) = await browser.GetAsync("/bff/templates");
        var names = templates!.AsArray().Select(t => t.Str("name")).ToList();
        Assert.Equal(["hello", "orders", "blank"], names);
        var hello = templates[0]!["files"]!.AsArray();
        Assert.Equal(File.ReadAllText(Path.Combine(RepoPaths.Root, "samples", "hello", "app.py")), hello.Single(f => f.Str("path") == "app.py").Str("content"));

        using var page = await browser.Http.GetAsync("/signin");
        Assert.Contains("script-src 'self'", page.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_front_end_is_sent_compressed_and_the_api_answers_are_not()
    {
        using var browser = await portal.SignInAsync("dev@acme");
        browser.Http.DefaultRequestHeaders.AcceptEncoding.ParseAdd("br, gzip");

        using var editor = await browser.Http.GetAsync("/vs/editor/editor.main.js");
        Assert.Equal(HttpStatusCode.OK, editor.StatusCode);
        Assert.Equal(["br"], editor.Content.Headers.ContentEncoding);
        Assert.Equal("public, max-age=86400", editor.Headers.CacheControl!.ToString());
        using var me = await browser.Http.GetAsync("/bff/me");
        Assert.Empty(me.Content.Headers.ContentEncoding);
    }

    private static async Task<(string Name, JsonNode Data)> NextEventAsync(StreamReader reader)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        string? name = null;
        while (await reader.ReadLineAsync(timeout.Token) is { } line)
        {
            if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                name = line["event: ".Length..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal) && name is not null)
            {
                return (name, JsonNode.Parse(line["data: ".Length..])!);
            }
        }
        throw new InvalidOperationException("the event stream ended");
    }
}
