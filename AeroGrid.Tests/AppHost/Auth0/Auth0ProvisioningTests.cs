using System.Diagnostics;
using System.Text.Json.Nodes;
using AeroGrid.AppHost.Auth0;
using AeroGrid.AppHost.Publish;
using AeroGrid.Tests.Infrastructure;

namespace AeroGrid.Tests.AppHost.Auth0;

/// <summary>
/// Provisioning AeroGrid's identity against <see cref="Auth0ManagementStandIn"/>: what a first run creates, that a second
/// changes nothing and says so, that a changed setting changes only its object, rate limits, refusals, and that no secret
/// is ever logged.
/// </summary>
public sealed class Auth0ProvisioningTests(Auth0ManagementStandIn auth0) : IClassFixture<Auth0ManagementStandIn>
{
    /// <summary>The tenant setting, the API, two roles, the sample's two Organizations, two applications and the grant.</summary>
    private const int Objects = 9;

    private static string SampleSettings => Path.Combine(RepoPaths.Root, "samples", "publish.yaml");

    private ManagementApiOptions Options(string? secret = null) => new()
    {
        ClientId = auth0.ClientId,
        ClientSecret = secret ?? auth0.ClientSecret,
        StandInUrl = auth0.Url.ToString(),
    };

    private async Task<RecordingLogger> ProvisionAsync(PublishSettings? settings = null, ManagementApiOptions? options = null)
    {
        var logger = new RecordingLogger();
        await Auth0Provisioning.ProvisionAsync(settings ?? PublishSettings.Load(SampleSettings), options ?? Options(), logger, TimeProvider.System, TestContext.Current.CancellationToken);
        AssertNoSecretIn(logger.Text);
        return logger;
    }

    private void AssertNoSecretIn(string text) => Assert.All(auth0.Secrets, secret => Assert.DoesNotContain(secret, text, StringComparison.Ordinal));

    private static IEnumerable<string> Outcomes(RecordingLogger logger, string outcome) =>
        logger.Text.Split('\n').Where(line => line.StartsWith("4001: ", StringComparison.Ordinal) && line.EndsWith($": {outcome}", StringComparison.Ordinal));

    [Fact]
    public async Task A_first_run_creates_the_api_the_roles_an_organization_per_tenant_and_both_applications()
    {
        auth0.Reset();

        var logger = await ProvisionAsync();

        // The tenant's settings always exist: the one AeroGrid needs is switched on, everything else is new.
        Assert.Equal(["tenant setting 'allow_organization_name_in_authentication_api'"], Outcomes(logger, "updated").Select(Subject));
        Assert.Equal(Objects - 1, Outcomes(logger, "created").Count());
        Assert.Contains($"Auth0 {Auth0ManagementStandIn.Domain} now matches the settings: {Objects - 1} created, 1 updated, 0 unchanged", logger.Text, StringComparison.Ordinal);
        Assert.True(auth0.OrganizationNamesInTokens);

        var api = Assert.Single(auth0.Objects("resource-servers"));
        Assert.Equal("https://api.aerogrid.io", (string?)api["identifier"]);
        Assert.Equal("RS256", (string?)api["signing_alg"]);
        Assert.True((bool?)api["enforce_policies"]);
        Assert.Equal("access_token_authz", (string?)api["token_dialect"]);
        Assert.Equal(["apps:invoke", "apps:read", "apps:write", "platform:admin"], api["scopes"]!.AsArray().Select(s => (string?)s!["value"]).Order());

        Assert.Equal(["apps:invoke", "apps:read", "apps:write"], auth0.RolePermissions("developer").Order());
        Assert.Equal(["apps:invoke", "apps:read"], auth0.RolePermissions("viewer").Order());
        Assert.Equal(["acme", "globex"], auth0.Objects("organizations").Select(o => (string?)o["name"]).Order());

        var clients = auth0.Objects("clients");
        var portal = Assert.Single(clients, c => (string?)c["name"] == "AeroGrid Portal");
        Assert.Equal("regular_web", (string?)portal["app_type"]);
        Assert.Equal(["https://aerogrid.example.com/signin-callback"], portal["callbacks"]!.AsArray().Select(c => (string?)c));
        Assert.Equal(["https://aerogrid.example.com/"], portal["allowed_logout_urls"]!.AsArray().Select(c => (string?)c));
        Assert.Equal("require", (string?)portal["organization_usage"]);
        var @operator = Assert.Single(clients, c => (string?)c["name"] == "AeroGrid Operator");
        Assert.Equal(["client_credentials"], @operator["grant_types"]!.AsArray().Select(g => (string?)g));
        var grant = Assert.Single(auth0.Objects("client-grants"));
        Assert.Equal((string?)@operator["client_id"], (string?)grant["client_id"]);
        Assert.Equal(["platform:admin"], grant["scope"]!.AsArray().Select(s => (string?)s));

        // The person is told where the Portal's secret goes, with the client id filled in and the secret not.
        Assert.Contains($"kubectl -n aerogrid-system create secret generic aerogrid-portal-auth0 --from-literal=client-id={portal["client_id"]} --from-literal=client-secret=<the client secret>",
            logger.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_second_run_changes_nothing_and_says_so()
    {
        auth0.Reset();
        await ProvisionAsync();
        var writes = auth0.Writes.Count();

        var logger = await ProvisionAsync();

        Assert.Equal(writes, auth0.Writes.Count());
        Assert.Equal(Objects, Outcomes(logger, "unchanged").Count());
        Assert.Contains($"Auth0 {Auth0ManagementStandIn.Domain} already matched the settings: nothing changed", logger.Text, StringComparison.Ordinal);
        Assert.Equal(2, auth0.Objects("clients").Count);
    }

    [Fact]
    public async Task A_new_tenant_and_a_new_domain_change_only_the_organization_and_the_portal()
    {
        auth0.Reset();
        await ProvisionAsync();
        var before = auth0.Writes.Count();
        var settings = PublishSettings.Load(SampleSettings);
        settings.Tenants.Add("initech");
        settings.Domain = "platform.example.org";

        var logger = await ProvisionAsync(settings);

        Assert.Equal(["organization 'initech'"], Outcomes(logger, "created").Select(Subject));
        Assert.Equal(["application 'AeroGrid Portal'"], Outcomes(logger, "updated").Select(Subject));
        Assert.Equal(Objects - 1, Outcomes(logger, "unchanged").Count());
        var portal = Assert.Single(auth0.Objects("clients"), c => (string?)c["name"] == "AeroGrid Portal");
        Assert.Equal(["https://platform.example.org/signin-callback"], portal["callbacks"]!.AsArray().Select(c => (string?)c));
        Assert.Equal(["POST /api/v2/organizations", $"PATCH /api/v2/clients/{portal["client_id"]}"], auth0.Writes.Skip(before));
    }

    [Fact]
    public async Task A_role_given_a_permission_by_hand_is_put_back_to_its_permissions()
    {
        auth0.Reset();
        await ProvisionAsync();
        using var http = new HttpClient();
        var byHand = new ManagementApiClient(http, auth0.Url, Auth0ManagementStandIn.Domain, Options(), new RecordingLogger(), TimeProvider.System);
        var viewer = auth0.Objects("roles").Single(r => (string?)r["name"] == "viewer");
        await byHand.PostAsync($"roles/{viewer["id"]}/permissions", new JsonObject
        {
            ["permissions"] = new JsonArray(new JsonObject { ["resource_server_identifier"] = "https://api.aerogrid.io", ["permission_name"] = "apps:write" }),
        }, TestContext.Current.CancellationToken);
        Assert.Contains("apps:write", auth0.RolePermissions("viewer"));

        var logger = await ProvisionAsync();

        Assert.Equal(["role 'viewer'"], Outcomes(logger, "updated").Select(Subject));
        Assert.Equal(["apps:invoke", "apps:read"], auth0.RolePermissions("viewer").Order());
    }

    [Fact]
    public async Task A_rate_limited_request_is_sent_again_after_Retry_After()
    {
        auth0.Reset();
        auth0.RateLimitNext(1, retryAfterSeconds: 1);
        var clock = Stopwatch.StartNew();

        var logger = await ProvisionAsync();

        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(0.9), $"retried after {clock.Elapsed}, before Retry-After");
        Assert.Contains("4002: Auth0 rate-limited GET /api/v2/tenants/settings: retrying in 1 s (attempt 1 of 5)", logger.Text, StringComparison.Ordinal);
        Assert.Equal(Objects - 1, Outcomes(logger, "created").Count());
        Assert.Equal(2, auth0.Requests.Count(r => r == "GET /api/v2/tenants/settings"));
    }

    /// <summary>Without <c>Retry-After</c>, Auth0's own header says when its window resets (Unix seconds).</summary>
    [Fact]
    public async Task A_rate_limited_request_without_Retry_After_waits_for_x_ratelimit_reset()
    {
        auth0.Reset();
        auth0.RateLimitNext(1, retryAfterSeconds: 2, sendRetryAfter: false);
        var clock = Stopwatch.StartNew();

        var logger = await ProvisionAsync();

        // The reset is a whole second, so the wait is between one and two seconds.
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(0.9), $"retried after {clock.Elapsed}, before x-ratelimit-reset");
        Assert.Contains(logger.EventIds, id => id == 4002);
        Assert.Equal(2, auth0.Requests.Count(r => r == "GET /api/v2/tenants/settings"));
    }

    [Fact]
    public async Task A_rate_limit_that_does_not_end_fails_after_a_bounded_number_of_attempts()
    {
        auth0.Reset();
        auth0.RateLimitNext(ManagementApiClient.MaxAttempts, retryAfterSeconds: 0);

        var e = await Assert.ThrowsAsync<ManagementApiException>(() => ProvisionAsync());

        Assert.Equal("Auth0 answered GET /api/v2/tenants/settings with 429 TooManyRequests: Global limit has been reached (too_many_requests)", e.Message);
        Assert.Equal(ManagementApiClient.MaxAttempts, auth0.Requests.Count(r => r == "GET /api/v2/tenants/settings"));
    }

    [Fact]
    public async Task No_secret_the_tenant_handed_out_is_logged()
    {
        auth0.Reset();
        var changed = PublishSettings.Load(SampleSettings);
        changed.Domain = "platform.example.org";

        var logs = string.Join('\n', (await ProvisionAsync()).Text, (await ProvisionAsync(changed)).Text);

        // The Management API client's secret, the tokens it got, and the two applications' secrets Auth0 answered with.
        Assert.True(auth0.Secrets.Count >= 4, $"the stand-in handed out {auth0.Secrets.Count} secrets");
        Assert.All(auth0.Secrets, secret => Assert.DoesNotContain(secret, logs, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_wrong_client_secret_is_one_clear_error_that_does_not_repeat_the_secret()
    {
        auth0.Reset();
        const string wrong = "not-the-secret-0123456789abcdefghijklmnopqrstuvwxyz";

        var e = await Assert.ThrowsAsync<ManagementApiException>(() => ProvisionAsync(options: Options(wrong)));

        Assert.Equal($"Auth0 refused the Management API credentials (AeroGrid:Auth0Management:ClientId '{auth0.ClientId}' and its secret) with 401 Unauthorized: Unauthorized (access_denied)", e.Message);
        Assert.DoesNotContain(wrong, e.Message, StringComparison.Ordinal);
        Assert.Empty(auth0.Writes);
    }

    [Fact]
    public async Task An_auth0_that_does_not_answer_is_one_clear_error()
    {
        var options = Options();
        options.StandInUrl = "http://127.0.0.1:9/";

        var e = await Assert.ThrowsAsync<ManagementApiException>(() => ProvisionAsync(options: options));

        Assert.StartsWith("Auth0 at http://127.0.0.1:9/ could not be reached (POST /oauth/token): ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_credentials_name_the_variables_to_set()
    {
        var e = Assert.Throws<ManagementApiException>(() => new ManagementApiOptions().BaseAddress(Auth0ManagementStandIn.Domain));

        Assert.Contains("AeroGrid__Auth0Management__ClientId and AeroGrid__Auth0Management__ClientSecret", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_stand_in_address_is_refused_unless_it_is_on_this_machine()
    {
        var options = new ManagementApiOptions { ClientId = "id", ClientSecret = "secret", StandInUrl = "http://auth0.example.com/" };

        var e = Assert.Throws<ManagementApiException>(() => options.BaseAddress(Auth0ManagementStandIn.Domain));

        Assert.Contains("for tests only and must be a loopback URL", e.Message, StringComparison.Ordinal);
        options.StandInUrl = "";
        Assert.Equal(new Uri($"https://{Auth0ManagementStandIn.Domain}/"), options.BaseAddress(Auth0ManagementStandIn.Domain));
    }

    [Fact]
    public async Task A_body_outside_Auth0s_documented_shape_is_refused_with_Auth0s_error()
    {
        auth0.Reset();
        using var http = new HttpClient();
        var client = new ManagementApiClient(http, auth0.Url, Auth0ManagementStandIn.Domain, Options(), new RecordingLogger(), TimeProvider.System);

        var e = await Assert.ThrowsAsync<ManagementApiException>(() =>
            client.PostAsync("clients", new JsonObject { ["name"] = "x", ["app_type"] = "web" }, TestContext.Current.CancellationToken));

        Assert.Equal("Auth0 answered POST /api/v2/clients with 400 BadRequest: Payload validation error: 'Invalid value \"web\" for property app_type' " +
            "(allowed: native, spa, regular_web, non_interactive). (invalid_body)", e.Message);
    }

    [Fact]
    public async Task Names_Auth0_cannot_take_are_refused_with_the_field_named()
    {
        var path = Path.Combine(Path.GetTempPath(), $"aerogrid-auth0-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(path, (await File.ReadAllTextAsync(SampleSettings, TestContext.Current.CancellationToken))
            .Replace("  - globex", "  - " + new string('g', 51), StringComparison.Ordinal)
            .Replace("portalApplication: AeroGrid Portal", "portalApplication: AeroGrid <Portal>", StringComparison.Ordinal), TestContext.Current.CancellationToken);
        try
        {
            var e = Assert.Throws<PublishSettingsException>(() => PublishSettings.Load(path));

            Assert.Contains("auth0.portalApplication: 'AeroGrid <Portal>' must be a name without '<' or '>'", e.Errors);
            Assert.Contains(e.Errors, error => error.StartsWith("tenants[1]: ", StringComparison.Ordinal) && error.Contains("50 characters of an Auth0 Organization's name", StringComparison.Ordinal));
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>
    /// The command of the runbook: the AppHost's pipeline with only the Auth0 step, credentials from the environment; and the
    /// same with a wrong secret, which fails with one line and exit code 1.
    /// </summary>
    [Fact]
    public async Task The_apphost_step_provisions_alone_and_a_refusal_fails_it()
    {
        auth0.Reset();
        var output = Path.Combine(Path.GetTempPath(), $"aerogrid-auth0-step-{Guid.NewGuid():N}");
        string[] arguments = ["--operation", "publish", "--step", Auth0Provisioning.StepName, "--output-path", output,
            "--" + PublishSettings.ConfigurationKey, SampleSettings, $"--{ManagementApiOptions.SectionName}:StandInUrl", auth0.Url.ToString()];
        Dictionary<string, string> Credentials(string secret) => new()
        {
            ["AeroGrid__Auth0Management__ClientId"] = auth0.ClientId,
            ["AeroGrid__Auth0Management__ClientSecret"] = secret,
        };

        var (exitCode, printed) = await AppHostPipeline.RunAsync(arguments, Credentials(auth0.ClientSecret));
        var (refusedCode, refused) = await AppHostPipeline.RunAsync(arguments, Credentials("wrong-secret"));

        Assert.True(exitCode == 0, $"the step exited with {exitCode}:\n{printed}");
        Assert.Contains("Auth0 organization 'acme': created", printed, StringComparison.Ordinal);
        Assert.False(Directory.Exists(output), "the Auth0 step alone also wrote the manifests");
        AssertNoSecretIn(printed);
        Assert.Equal(1, refusedCode);
        Assert.Contains("Auth0 refused the Management API credentials", refused, StringComparison.Ordinal);
        AssertNoSecretIn(refused);
    }

    private static string Subject(string line) => line["4001: Auth0 ".Length..line.LastIndexOf(": ", StringComparison.Ordinal)];
}
