using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using AeroGrid.Api.Resources;
using AeroGrid.Tests.Infrastructure;

namespace AeroGrid.Tests.Gateway;

/// <summary>The gateway over real HTTP: the real process routing to stand-in apps from Apps on the real control plane.</summary>
public sealed class GatewayTests(GatewayFixture gateway) : IClassFixture<GatewayFixture>
{
    private const string Echo = "/apps/acme/echo";

    [Fact]
    public void Start_up_prints_no_warnings_or_failures_though_health_is_503_until_the_apps_are_listed() =>
        Assert.Empty(ConsoleLog.Problems(gateway.Process.StartupOutput));

    [Fact]
    public async Task A_request_without_a_token_is_401_with_a_bearer_challenge()
    {
        using var http = gateway.Client(null);

        using var response = await http.GetAsync(Echo);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        await AssertErrorAsync(response, "unauthorized");
    }

    [Fact]
    public async Task A_request_with_an_invalid_token_is_401()
    {
        var trusted = TestTokens.DevKey(gateway.ControlPlane.DataDirectory);
        var forged = TestTokens.Create(TestTokens.ForeignKey(trusted.KeyId), gateway.ControlPlane.Issuer.ToString(), "acme", permissions: "apps:invoke");

        foreach (var token in new[] { "not-a-jwt", forged })
        {
            using var http = gateway.Client(token);
            using var response = await http.GetAsync(Echo);

            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("error=\"invalid_token\"", response.Headers.WwwAuthenticate.Single().Parameter);
            await AssertErrorAsync(response, "unauthorized");
        }
    }

    [Fact]
    public async Task Another_tenants_token_is_403_whether_or_not_the_app_exists()
    {
        using var http = gateway.Client(await gateway.TokenAsync("globex", "apps:invoke"));

        using var existing = await http.GetAsync(Echo);
        using var missing = await http.GetAsync("/apps/acme/no-such-app");

        Assert.Equal(HttpStatusCode.Forbidden, existing.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, missing.StatusCode);
        Assert.Equal(await AssertErrorAsync(existing, "forbidden"), await AssertErrorAsync(missing, "forbidden"));
    }

    [Fact]
    public async Task A_token_without_apps_invoke_is_403()
    {
        using var http = gateway.Client(await gateway.TokenAsync("acme", "apps:read", "apps:write"));

        using var response = await http.GetAsync(Echo);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("apps:invoke", await AssertErrorAsync(response, "forbidden"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_app_is_404()
    {
        using var http = gateway.Client(await gateway.TokenAsync("acme", "apps:invoke"));

        using var response = await http.GetAsync("/apps/acme/no-such-app/some/path");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        await AssertErrorAsync(response, "not_found");
    }

    [Fact]
    public async Task An_app_without_ready_processes_is_503_with_Retry_After()
    {
        await gateway.DeployAsync("acme", "stopped", AppPhase.Stopped);
        using var http = gateway.Client(await gateway.TokenAsync("acme", "apps:invoke"));

        using var response = await http.GetAsync("/apps/acme/stopped/");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.True(response.Headers.RetryAfter?.Delta > TimeSpan.Zero, "503 without a Retry-After");
        Assert.Contains("Stopped", await AssertErrorAsync(response, "unavailable"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_endpoint_nobody_listens_on_is_502()
    {
        await gateway.DeployAsync("acme", "unreachable", AppPhase.Running, $"http://127.0.0.1:{ServiceProcess.FreePort()}");
        using var http = gateway.Client(await gateway.TokenAsync("acme", "apps:invoke"));

        using var response = await http.GetAsync("/apps/acme/unreachable/");

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        await AssertErrorAsync(response, "bad_gateway");
    }

    [Fact]
    public async Task A_request_reaches_the_app_at_its_own_path_with_the_query_kept()
    {
        using var http = gateway.Client(await gateway.TokenAsync("acme", "apps:invoke"));

        var nested = await EchoAsync(http, $"{Echo}/orders/42?expand=lines&page=2");
        var bare = await EchoAsync(http, Echo);

        Assert.Equal("first", nested.Str("app"));
        Assert.Equal("/orders/42", nested.Str("path"));
        Assert.Equal("?expand=lines&page=2", nested.Str("query"));
        Assert.Equal("/", bare.Str("path"));
    }

    [Fact]
    public async Task The_platform_identity_may_invoke_any_tenants_app()
    {
        using var http = gateway.Client(gateway.AdminToken);

        var echoed = await EchoAsync(http, Echo);

        Assert.Equal("first", echoed.Str("app"));
    }

    [Fact]
    public async Task Requests_are_balanced_across_the_ready_processes()
    {
        await gateway.DeployAsync("acme", "balanced", AppPhase.Running, gateway.First.Address, gateway.Second.Address);
        using var http = gateway.Client(await gateway.TokenAsync("acme", "apps:invoke"));

        var served = new List<string?>();
        for (var i = 0; i < 10; i++)
        {
            served.Add((await EchoAsync(http, "/apps/acme/balanced/")).Str("app"));
        }

        Assert.Equal(5, served.Count(app => app == "first"));
        Assert.Equal(5, served.Count(app => app == "second"));
    }

    [Fact]
    public async Task A_rollout_moves_the_traffic_without_a_restart()
    {
        await gateway.DeployAsync("acme", "rolling", AppPhase.Running, gateway.First.Address);
        using var http = gateway.Client(await gateway.TokenAsync("acme", "apps:invoke"));
        Assert.Equal("first", (await EchoAsync(http, "/apps/acme/rolling/")).Str("app"));
        var pid = gateway.Process.Id;

        await gateway.SetEndpointsAsync("acme", "rolling", gateway.Second.Address);

        await Eventually.TrueAsync(async () => (await EchoAsync(http, "/apps/acme/rolling/")).Str("app") == "second",
            GatewayFixture.RouteTimeout, () => "the traffic moves to the new endpoint");
        Assert.Equal(pid, gateway.Process.Id);
        Assert.False(gateway.Process.HasExited);
    }

    [Fact]
    public async Task The_app_gets_the_callers_identity_and_the_original_url_instead_of_the_token()
    {
        using var http = gateway.Client(await gateway.TokenAsync("acme", "apps:invoke", "apps:read"));
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{Echo}/whoami");
        request.Headers.Add("X-AeroGrid-Tenant", "globex");
        request.Headers.Add("X-AeroGrid-Subject", "someone@globex");
        request.Headers.Add("X-AeroGrid-Role", "owner");
        request.Headers.Add("X-Forwarded-For", "203.0.113.7");

        using var response = await http.SendAsync(request);
        var headers = (await ReadEchoAsync(response))["headers"]!;

        Assert.Null(headers["authorization"]);
        Assert.Equal("acme", headers.Str("x-aerogrid-tenant"));
        Assert.Equal("user@acme", headers.Str("x-aerogrid-subject"));
        Assert.Equal("apps:invoke apps:read", headers.Str("x-aerogrid-permissions"));
        Assert.Null(headers["x-aerogrid-role"]);
        Assert.Equal("127.0.0.1", headers.Str("x-forwarded-for"));
        Assert.Equal("http", headers.Str("x-forwarded-proto"));
        Assert.Equal(gateway.Url.Authority, headers.Str("x-forwarded-host"));
        Assert.Equal(Echo, headers.Str("x-forwarded-prefix"));
    }

    [Fact]
    public async Task The_trace_continues_through_the_gateway()
    {
        const string TraceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        const string CallerSpan = "00f067aa0ba902b7";
        using var http = gateway.Client(await gateway.TokenAsync("acme", "apps:invoke"));
        using var request = new HttpRequestMessage(HttpMethod.Get, Echo);
        request.Headers.Add("traceparent", $"00-{TraceId}-{CallerSpan}-01");

        using var response = await http.SendAsync(request);
        var traceparent = (await ReadEchoAsync(response))["headers"].Str("traceparent")?.Split('-');

        Assert.NotNull(traceparent);
        Assert.Equal(TraceId, traceparent[1]);
        Assert.NotEqual(CallerSpan, traceparent[2]);
        Assert.Equal("01", traceparent[3]);
    }

    [Fact]
    public async Task Server_sent_events_arrive_while_the_app_is_still_streaming()
    {
        using var http = gateway.Client(await gateway.TokenAsync("acme", "apps:invoke"));
        using var response = await http.GetAsync($"{Echo}/events", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var events = new StreamReader(await response.Content.ReadAsStreamAsync());

        // The app holds its last event back until told: the first can only arrive now if nothing buffers it.
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
        {
            Assert.Equal("data: first", await events.ReadLineAsync(timeout.Token));
        }
        gateway.First.FinishEvents();

        Assert.Equal("\ndata: last\n\n", await events.ReadToEndAsync());
    }

    [Fact]
    public async Task WebSockets_are_forwarded()
    {
        using var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Authorization", $"Bearer {await gateway.TokenAsync("acme", "apps:invoke")}");
        await socket.ConnectAsync(new Uri($"ws://{gateway.Url.Authority}{Echo}/ws"), CancellationToken.None);

        await socket.SendAsync(Encoding.UTF8.GetBytes("hello through the gateway"), WebSocketMessageType.Text, true, CancellationToken.None);
        var buffer = new byte[1024];
        var received = await socket.ReceiveAsync(buffer, CancellationToken.None);

        Assert.Equal("hello through the gateway", Encoding.UTF8.GetString(buffer, 0, received.Count));
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
    }

    private static async Task<JsonObject> EchoAsync(HttpClient http, string path)
    {
        using var response = await http.GetAsync(path);
        return await ReadEchoAsync(response);
    }

    private static async Task<JsonObject> ReadEchoAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    /// <summary>Checks the gateway's error body and returns its message.</summary>
    private static async Task<string> AssertErrorAsync(HttpResponseMessage response, string error)
    {
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(error, body.Str("error"));
        var message = body.Str("message");
        Assert.False(string.IsNullOrWhiteSpace(message), "an error without a message");
        return message!;
    }
}
