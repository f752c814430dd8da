using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using AeroGrid.Tests.AppHost;
using AeroGrid.Tests.Infrastructure;
using Microsoft.Playwright;
using static AeroGrid.Tests.AppHost.PlatformFixture;
using static AeroGrid.Tests.Portal.PortalPage;

namespace AeroGrid.Tests.Portal;

/// <summary>
/// The Portal in a real browser against the real platform: what a person does, clicked and typed as they would,
/// with screenshots of the main screens in artifacts/screenshots.
/// </summary>
[Collection(PlatformGroup.Name)]
public sealed class PortalUiTests(PlatformFixture platform)
{
    [Fact]
    public async Task A_developer_creates_an_app_from_a_template_edits_it_sees_it_run_and_calls_it()
    {
        await using (var anonymous = await platform.AnonymousAsync())
        {
            await anonymous.Page.GotoAsync("/");
            await Expect(anonymous["signin"]).ToBeVisibleAsync();
            await ScreenshotAsync(anonymous.Page, "01-signed-out");
        }

        await using var dev = await platform.SignInAsync("dev@demo");
        var page = dev.Page;
        await Expect(dev["tenant"]).ToHaveTextAsync("demo");
        await Expect(dev["readonly-badge"]).ToHaveCountAsync(0);
        await ScreenshotAsync(page, "02-apps");

        await dev["new-app"].ClickAsync();
        await dev["app-name"].FillAsync("Greeter!");
        await dev["create"].ClickAsync();
        await Expect(page.GetByRole(AriaRole.Dialog)).ToContainTextAsync("Use lowercase letters");
        await dev["app-name"].FillAsync("greeter");
        await dev["template-hello"].ClickAsync();
        await ScreenshotAsync(page, "03-new-app");
        await dev["create"].ClickAsync();

        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/apps/greeter$"));
        await Expect(dev["phase"]).ToHaveTextAsync("Running", Rollout);
        await Expect(dev["serving-revision"]).ToHaveTextAsync("Revision 1 serving");
        await ScreenshotAsync(page, "04-editor");

        await MonacoEditor.SetTextAsync(page, AppCode("Hello from the browser"));
        await Expect(dev["tab-app.py"]).ToContainTextAsync("●");
        await page.Keyboard.PressAsync("ControlOrMeta+S");
        await Expect(dev["serving-revision"]).ToHaveTextAsync("Revision 2 serving", Rollout);
        await Expect(dev["phase"]).ToHaveTextAsync("Running");
        // After a save the page follows the rollout and shows the new revision's own log.
        await Expect(dev["app-log"]).ToBeVisibleAsync();
        await Expect(dev["app-log"]).ToContainTextAsync("revision 2");
        await Expect(dev["save-state"]).ToContainTextAsync("Saved");
        await ScreenshotAsync(page, "05-saved-and-running");

        await dev["panel-request"].ClickAsync();
        await dev["request-send"].ClickAsync();
        await Expect(dev["response-status"]).ToHaveTextAsync("200 OK");
        await Expect(dev["response-body"]).ToContainTextAsync("\"message\": \"Hello from the browser\"");
        await ScreenshotAsync(page, "06-request");

        // The list is live: it shows the new revision without a reload.
        await page.GetByRole(AriaRole.Link, new() { Name = "Apps", Exact = true }).ClickAsync();
        await Expect(dev["app-phase-greeter"]).ToHaveTextAsync("Running");
        await Expect(dev["app-row-greeter"]).ToContainTextAsync("Revision 2");

        // A narrow window: one column, the file list folded away.
        await page.SetViewportSizeAsync(420, 860);
        await dev["app-row-greeter"].GetByRole(AriaRole.Link).ClickAsync();
        await Expect(dev["phase"]).ToHaveTextAsync("Running");
        await Expect(dev["file-app.py"]).ToBeHiddenAsync();
        await ScreenshotAsync(page, "07-narrow-editor");
        dev.AssertNoScriptProblems();
    }

    [Fact]
    public async Task New_requirements_show_their_build_log_live_and_the_app_then_runs_on_them()
    {
        await platform.CreateAppAsync("demo", "needs-a-package", "before");
        await using var dev = await platform.SignInAsync("dev@demo", "/apps/needs-a-package");
        await Expect(dev["serving-revision"]).ToHaveTextAsync("Revision 1 serving", Rollout);

        await dev["file-requirements.txt"].ClickAsync();
        await MonacoEditor.SetTextAsync(dev.Page, $"{Wheel}==1.0\n");
        await dev["file-app.py"].ClickAsync();
        await MonacoEditor.SetTextAsync(dev.Page,
            $"import {Wheel}\nfrom aerogrid import App\n\napp = App()\n\n\n@app.get(\"/\")\ndef index() -> dict[str, str]:\n    return {{\"message\": {Wheel}.GREETING}}\n");
        await dev.Page.Keyboard.PressAsync("ControlOrMeta+S");

        // pip's own output, streamed from the Operator through the API and the Portal while the environment builds.
        await Expect(dev["build-log"]).ToContainTextAsync(new Regex("Successfully installed greeting[-_]lib-1\\.0"), new() { Timeout = 60_000 });
        await Expect(dev["serving-revision"]).ToHaveTextAsync("Revision 2 serving", Rollout);
        await dev["panel-build-log"].ClickAsync();
        await ScreenshotAsync(dev.Page, "16-build-log");
        await platform.AnswersAsync("demo", "needs-a-package", "hello from a wheel");
        dev.AssertNoScriptProblems();
    }

    [Fact]
    public async Task Files_are_added_renamed_and_deleted_in_the_explorer_and_saved_together()
    {
        await platform.CreateAppAsync("demo", "many-files", "one file");
        await using var dev = await platform.SignInAsync("dev@demo", "/apps/many-files");
        await Expect(dev["serving-revision"]).ToHaveTextAsync("Revision 1 serving", Rollout);

        await dev["add-file"].ClickAsync();
        await dev["prompt-input"].FillAsync("../outside.py");
        await dev["confirm"].ClickAsync();
        await Expect(dev.Page.GetByRole(AriaRole.Dialog)).ToContainTextAsync("..");
        await dev["prompt-input"].FillAsync("helpers.py");
        await dev["confirm"].ClickAsync();
        await Expect(dev["tab-helpers.py"]).ToBeVisibleAsync();
        await MonacoEditor.SetTextAsync(dev.Page, "WORDS = 'from a second file'\n");

        await dev["rename-helpers.py"].ClickAsync();
        await dev["prompt-input"].FillAsync("lib/words.py");
        await dev["confirm"].ClickAsync();
        await Expect(dev["file-lib/words.py"]).ToBeVisibleAsync();
        await Expect(dev["file-helpers.py"]).ToHaveCountAsync(0);

        await dev["delete-file-requirements.txt"].ClickAsync();
        await dev["confirm"].ClickAsync();
        await Expect(dev["file-requirements.txt"]).ToHaveCountAsync(0);

        await dev["file-app.py"].ClickAsync();
        await MonacoEditor.SetTextAsync(dev.Page,
            "from aerogrid import App\nfrom lib.words import WORDS\n\napp = App()\n\n\n@app.get(\"/\")\ndef index() -> dict[str, str]:\n    return {\"message\": WORDS}\n");
        await dev["save"].ClickAsync();

        await Expect(dev["serving-revision"]).ToHaveTextAsync("Revision 2 serving", Rollout);
        await platform.AnswersAsync("demo", "many-files", "from a second file");
        using var api = await platform.ApiAsync("demo");
        var (_, app) = await api.GetJsonAsync($"{AppsPath("demo")}/many-files");
        Assert.Equal(["app.py", "lib/words.py"], app["spec"]!["files"]!.AsArray().Select(f => f.Str("path")).Order(StringComparer.Ordinal));
        dev.AssertNoScriptProblems();
    }

    [Fact]
    public async Task The_request_panel_calls_as_the_person_with_their_headers_and_refuses_the_ones_the_portal_sets()
    {
        using (var api = await platform.ApiAsync("demo"))
        {
            var echo = "from aerogrid import App, Request\n\napp = App()\n\n\n@app.get(\"/whoami\")\n" +
                "def whoami(request: Request) -> dict[str, str]:\n" +
                "    return {\"subject\": request.headers.get(\"X-AeroGrid-Subject\", \"\"), \"trace\": request.headers.get(\"X-Trace-Me\", \"\")}\n";
            var (status, body) = await api.PostJsonAsync(AppsPath("demo"), new JsonObject
            {
                ["metadata"] = new JsonObject { ["name"] = "echo" },
                ["spec"] = new JsonObject { ["files"] = new JsonArray(new JsonObject { ["path"] = "app.py", ["content"] = echo }) },
            });
            Assert.True(status == HttpStatusCode.Created, $"{status} {body}");
        }
        await using var dev = await platform.SignInAsync("dev@demo", "/apps/echo");
        await Expect(dev["serving-revision"]).ToHaveTextAsync("Revision 1 serving", Rollout);
        await dev["panel-request"].ClickAsync();
        await dev["request-path"].FillAsync("/whoami");

        await dev["request-headers"].FillAsync("Authorization: Bearer someone-else");
        await dev["request-send"].ClickAsync();
        await Expect(dev["request-panel-error"]).ToContainTextAsync("The header Authorization is set by the Portal");

        await dev["request-headers"].FillAsync("X-Trace-Me: 42\nX-AeroGrid-Subject: admin@demo");
        await dev["request-send"].ClickAsync();
        await Expect(dev["response-status"]).ToHaveTextAsync("200 OK");
        // The person's own identity reaches the app (the gateway replaces a spoofed one), with the header they added.
        await Expect(dev["response-body"]).ToContainTextAsync("\"subject\": \"dev@demo\"");
        await Expect(dev["response-body"]).ToContainTextAsync("\"trace\": \"42\"");
        dev.AssertNoScriptProblems();
    }

    [Fact]
    public async Task A_save_after_someone_else_saved_is_a_conflict_that_keeps_the_persons_text()
    {
        await platform.CreateAppAsync("demo", "contested", "first");
        await using var dev = await platform.SignInAsync("dev@demo", "/apps/contested");
        await Expect(dev["phase"]).ToHaveTextAsync("Running", Rollout);
        var mine = AppCode("mine");
        await MonacoEditor.SetTextAsync(dev.Page, mine);

        await platform.UpdateAppAsync("demo", "contested", "theirs");
        await dev["save"].ClickAsync();

        await Expect(dev["conflict"]).ToContainTextAsync("Someone else saved this app after you opened it. Your text is still here.");
        Assert.Equal(mine, await MonacoEditor.TextAsync(dev.Page));
        await ScreenshotAsync(dev.Page, "08-save-conflict");

        await dev["overwrite"].ClickAsync();
        await Expect(dev["conflict"]).ToHaveCountAsync(0);
        await Expect(dev["save-state"]).ToContainTextAsync("Saved");
        Assert.Equal(mine, await MonacoEditor.TextAsync(dev.Page));
        await platform.AnswersAsync("demo", "contested", "mine");
        dev.AssertNoScriptProblems();
    }

    [Fact]
    public async Task A_syntax_error_is_shown_next_to_the_code_while_the_previous_revision_still_answers()
    {
        await platform.CreateAppAsync("demo", "fragile", "still fine");
        await using var dev = await platform.SignInAsync("dev@demo", "/apps/fragile");
        await Expect(dev["serving-revision"]).ToHaveTextAsync("Revision 1 serving", Rollout);

        await MonacoEditor.SetTextAsync(dev.Page, "from aerogrid import App\n\napp = App()\n\n\n@app.get(\"/\")\ndef index(:\n    return {}\n");
        await dev["save"].ClickAsync();

        await Expect(dev["phase"]).ToHaveTextAsync("Failed", Rollout);
        await Expect(dev["failure"]).ToContainTextAsync("Revision 1 keeps serving");
        await Expect(dev["failure-log"]).ToContainTextAsync("SyntaxError");
        await Expect(dev["failure-goto"]).ToHaveTextAsync("Go to app.py, line 7");
        await Expect(dev.Page.Locator("[data-testid=editor] .squiggly-error")).Not.ToHaveCountAsync(0);
        await ScreenshotAsync(dev.Page, "09-syntax-error");

        await dev["panel-request"].ClickAsync();
        await dev["request-send"].ClickAsync();
        await Expect(dev["response-body"]).ToContainTextAsync("still fine");
        await platform.AnswersAsync("demo", "fragile", "still fine");
        dev.AssertNoScriptProblems();
    }

    [Fact]
    public async Task A_viewer_can_look_but_cannot_save_and_the_api_refuses_if_forced()
    {
        await platform.CreateAppAsync("demo", "looked-at", "as it was");
        await using var viewer = await platform.SignInAsync("viewer@demo");
        await Expect(viewer["readonly-badge"]).ToHaveTextAsync("Viewer (read-only)");
        await Expect(viewer["new-app"]).ToBeDisabledAsync();

        await viewer["app-row-looked-at"].GetByRole(AriaRole.Link).ClickAsync();
        await Expect(viewer["readonly-notice"]).ToBeVisibleAsync();
        await Expect(viewer["save"]).ToBeDisabledAsync();
        await Expect(viewer["stop"]).ToBeDisabledAsync();
        await Expect(viewer["delete"]).ToBeDisabledAsync();
        await Expect(viewer["add-file"]).ToBeDisabledAsync();
        var before = await MonacoEditor.TextAsync(viewer.Page);
        await viewer.Page.Locator("[data-testid=editor] .view-lines").ClickAsync();
        await viewer.Page.Keyboard.TypeAsync("import os\n");
        await viewer.Page.Keyboard.PressAsync("ControlOrMeta+S");
        Assert.Equal(before, await MonacoEditor.TextAsync(viewer.Page));
        await Expect(viewer["phase"]).ToHaveTextAsync("Running", Rollout);
        await ScreenshotAsync(viewer.Page, "10-viewer-read-only");

        // Past the page, straight to the Portal's API with the viewer's session: refused.
        var api = viewer.Context.APIRequest;
        var app = JsonNode.Parse(await (await api.GetAsync("/bff/apps/looked-at")).TextAsync())!;
        app["spec"]!["files"] = AppFiles("changed by a viewer");
        var put = await api.PutAsync("/bff/apps/looked-at", new()
        {
            Headers = new Dictionary<string, string> { ["X-AeroGrid-Csrf"] = "1", ["Content-Type"] = "application/json" },
            DataString = app.ToJsonString(),
        });
        Assert.Equal((int)HttpStatusCode.Forbidden, put.Status);
        await platform.AnswersAsync("demo", "looked-at", "as it was");
        viewer.AssertNoScriptProblems();
    }

    [Fact]
    public async Task Signing_out_ends_the_session_at_the_issuer_too_and_lands_on_the_signed_out_page()
    {
        await using var dev = await platform.SignInAsync("dev@demo");
        var issuerLogout = dev.Page.WaitForRequestAsync(new Regex("/dev-issuer/logout\\?"));

        await dev["signout"].ClickAsync();

        await issuerLogout;
        await Assertions.Expect(dev.Page).ToHaveURLAsync(platform.Portal.ToString());
        await Expect(dev["signin"]).ToBeVisibleAsync();
        Assert.Equal((int)HttpStatusCode.Unauthorized, (await dev.Context.APIRequest.GetAsync("/bff/me")).Status);
        dev.AssertNoScriptProblems();
    }

    [Fact]
    public async Task A_person_never_sees_the_apps_of_another_tenant()
    {
        await using var other = await platform.SignInAsync("dev@other");
        await Expect(other.Page.GetByText("No apps in other yet")).ToBeVisibleAsync();
        await ScreenshotAsync(other.Page, "11-empty-tenant");
        await platform.CreateAppAsync("other", "other-secret", "not for demo");
        await Expect(other["app-row-other-secret"]).ToBeVisibleAsync(); // Live, without a reload.

        await using var demo = await platform.SignInAsync("dev@demo");
        await Expect(demo.Page.GetByRole(AriaRole.Status).GetByText("Live")).ToBeVisibleAsync(); // The list is complete.
        await Expect(demo["app-row-other-secret"]).ToHaveCountAsync(0);
        var answer = await demo.Context.APIRequest.GetAsync("/bff/apps/other-secret");
        Assert.Equal((int)HttpStatusCode.NotFound, answer.Status);
        await demo.Page.GotoAsync("/apps/other-secret");
        await Expect(demo.Page.GetByRole(AriaRole.Heading, new() { Name = "There is no app named other-secret" })).ToBeVisibleAsync();
        demo.AssertNoScriptProblems();
    }

    [Fact]
    public async Task The_revision_history_shows_what_served_and_rolls_back_to_an_earlier_revision()
    {
        await platform.CreateAppAsync("demo", "history", "first");
        await using var dev = await platform.SignInAsync("dev@demo", "/apps/history");
        await Expect(dev["serving-revision"]).ToHaveTextAsync("Revision 1 serving", Rollout);
        await MonacoEditor.SetTextAsync(dev.Page, AppCode("second"));
        await dev["save"].ClickAsync();
        await Expect(dev["serving-revision"]).ToHaveTextAsync("Revision 2 serving", Rollout);

        await dev["panel-revisions"].ClickAsync();
        await Expect(dev["revision-2"]).ToContainTextAsync("serving");
        await Expect(dev["revision-1"]).ToBeVisibleAsync();
        await Expect(dev["rollback-2"]).ToHaveCountAsync(0);
        await ScreenshotAsync(dev.Page, "12-revisions");

        await dev["rollback-1"].ClickAsync();
        await dev["confirm"].ClickAsync();
        await Expect(dev["serving-revision"]).ToHaveTextAsync("Revision 3 serving", Rollout);
        Assert.Equal(AppCode("first"), await MonacoEditor.TextAsync(dev.Page));
        await platform.AnswersAsync("demo", "history", "first");
        dev.AssertNoScriptProblems();
    }

    [Fact]
    public async Task An_app_stops_starts_and_is_deleted_only_after_confirmation()
    {
        await platform.CreateAppAsync("demo", "short-lived", "alive");
        await using var dev = await platform.SignInAsync("dev@demo", "/apps/short-lived");
        await Expect(dev["phase"]).ToHaveTextAsync("Running", Rollout);

        await dev["stop"].ClickAsync();
        await Expect(dev["phase"]).ToHaveTextAsync("Stopped", Rollout);
        await ScreenshotAsync(dev.Page, "13-stopped");
        await dev["start"].ClickAsync();
        await Expect(dev["phase"]).ToHaveTextAsync("Running", Rollout);
        await platform.AnswersAsync("demo", "short-lived", "alive");

        await dev["delete"].ClickAsync();
        await Expect(dev.Page.GetByRole(AriaRole.Dialog)).ToContainTextAsync("Delete short-lived?");
        await ScreenshotAsync(dev.Page, "14-delete-confirmation");
        await dev.Page.Keyboard.PressAsync("Escape");
        await Expect(dev.Page.GetByRole(AriaRole.Dialog)).ToHaveCountAsync(0);
        await Expect(dev["phase"]).ToHaveTextAsync("Running");

        await dev["delete"].ClickAsync();
        await dev["confirm"].ClickAsync();
        await Assertions.Expect(dev.Page).ToHaveURLAsync(new Regex("/$"));
        await Expect(dev["app-row-short-lived"]).ToHaveCountAsync(0, new() { Timeout = 60_000 });
        using var gateway = await platform.GatewayAsync("demo");
        await Eventually.TrueAsync(async () => (await gateway.GetAsync(new Uri("/apps/demo/short-lived/", UriKind.Relative))).StatusCode == HttpStatusCode.NotFound,
            TimeSpan.FromSeconds(30), () => "the deleted app still answers");
        dev.AssertNoScriptProblems();
    }

    [Fact]
    public async Task Unsaved_text_survives_the_end_of_the_session_and_is_offered_back_after_signing_in()
    {
        await platform.CreateAppAsync("demo", "drafty", "saved");
        await using var dev = await platform.SignInAsync("dev@demo", "/apps/drafty");
        var draft = AppCode("not saved yet");
        await MonacoEditor.SetTextAsync(dev.Page, draft);

        // The session ends on the server (here: signed out in another tab of the same browser).
        var signOut = await dev.Context.APIRequest.PostAsync("/bff/signout", new() { Headers = new Dictionary<string, string> { ["X-AeroGrid-Csrf"] = "1" } });
        Assert.Equal((int)HttpStatusCode.OK, signOut.Status);
        await dev["save"].ClickAsync();
        await Expect(dev["session-ended"]).ToContainTextAsync("Your session ended — sign in again.");
        await ScreenshotAsync(dev.Page, "15-session-ended");

        await dev["session-ended"].GetByTestId("signin").ClickAsync();
        await dev.Page.Locator("button[value='dev@demo']").ClickAsync();
        await Expect(dev["draft"]).ToContainTextAsync("app.py");
        Assert.Equal(AppCode("saved"), await MonacoEditor.TextAsync(dev.Page));
        await dev["restore-draft"].ClickAsync();
        Assert.Equal(draft, await MonacoEditor.TextAsync(dev.Page));
        await Expect(dev["save"]).ToBeEnabledAsync();
        dev.AssertNoScriptProblems();
    }
}

