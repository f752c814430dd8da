using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using AeroGrid.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace AeroGrid.Tests.AppHost.Auth0;

/// <summary>
/// A test double of an Auth0 tenant's Management API v2 (and the client-credentials token endpoint in front of it), on a
/// real Kestrel at a loopback port, keeping its objects in memory. It checks what Auth0 checks, as documented: the bearer
/// token it issued for audience <c>https://{domain}/api/v2/</c>, methods and paths, request bodies
/// (<see cref="Auth0RequestShape"/>), names that must be unique (409), and answers 429 with <c>Retry-After</c> when told to.
/// Errors carry Auth0's body, <c>{statusCode, error, message, errorCode}</c>.
/// </summary>
/// <remarks>
/// Only a stand-in: it was written from Auth0's reference, not recorded from a tenant, so where the reference names no
/// <c>errorCode</c> (409s) the code here is this double's own.
/// </remarks>
public sealed class Auth0ManagementStandIn : IAsyncLifetime
{
    public const string Domain = "aerogrid-example.eu.auth0.com";

    private readonly Lock _lock = new();
    private readonly ConcurrentQueue<string> _requests = new();
    private readonly HashSet<string> _tokens = new(StringComparer.Ordinal);
    private readonly List<string> _secrets = [];
    private State _state = new();
    private int _rateLimited;
    private int _retryAfterSeconds;
    private bool _sendRetryAfter;
    private WebApplication? _app;

    /// <summary>The Management API client's credentials this tenant accepts.</summary>
    public string ClientId { get; } = "standInManagementClient0000000001";

    public string ClientSecret { get; } = Secret();

    public Uri Url => _app?.BoundAddress() ?? throw new InvalidOperationException("The stand-in has not started");

    /// <summary>Each request as <c>METHOD /path?query</c>, in order.</summary>
    public IReadOnlyList<string> Requests => [.. _requests];

    public IEnumerable<string> Writes => Requests.Where(r => !r.StartsWith("GET ", StringComparison.Ordinal) && !r.StartsWith("POST /oauth/token", StringComparison.Ordinal));

    /// <summary>Every secret this tenant knows: the Management client's, the tokens it issued, the client secrets it generated.</summary>
    public IReadOnlyList<string> Secrets
    {
        get
        {
            lock (_lock)
            {
                return [ClientSecret, .. _tokens, .. _secrets];
            }
        }
    }

    /// <summary>Objects of one collection as the tenant holds them (<c>resource-servers</c>, <c>roles</c>, <c>organizations</c>, <c>clients</c>, <c>client-grants</c>).</summary>
    public IReadOnlyList<JsonObject> Objects(string collection)
    {
        lock (_lock)
        {
            return [.. _state.Collection(collection).Values.Select(o => (JsonObject)o.DeepClone())];
        }
    }

    public IReadOnlySet<string> RolePermissions(string roleName)
    {
        lock (_lock)
        {
            var role = _state.Roles.Values.Single(r => (string?)r["name"] == roleName);
            return _state.RolePermissions[(string)role["id"]!].Select(p => p.Permission).ToHashSet();
        }
    }

    public bool OrganizationNamesInTokens
    {
        get
        {
            lock (_lock)
            {
                return (bool?)_state.TenantSettings["allow_organization_name_in_authentication_api"] == true;
            }
        }
    }

    /// <summary>Forgets every object and request, as a new tenant.</summary>
    public void Reset()
    {
        lock (_lock)
        {
            _state = new State();
            _requests.Clear();
            _rateLimited = 0;
        }
    }

    /// <summary>
    /// The next <paramref name="count"/> Management API requests answer 429 with <c>x-ratelimit-reset</c> that many seconds
    /// ahead and, unless <paramref name="sendRetryAfter"/> is false, <c>Retry-After</c>.
    /// </summary>
    public void RateLimitNext(int count, int retryAfterSeconds, bool sendRetryAfter = true)
    {
        _retryAfterSeconds = retryAfterSeconds;
        _sendRetryAfter = sendRetryAfter;
        Interlocked.Exchange(ref _rateLimited, count);
    }

    public async ValueTask InitializeAsync()
    {
        var builder = LoopbackKestrel.CreateBuilder();
        _app = builder.Build();
        _app.Use(async (http, next) =>
        {
            _requests.Enqueue($"{http.Request.Method} {http.Request.Path}{http.Request.QueryString}");
            await next(http);
        });
        _app.MapPost("/oauth/token", (Delegate)Token);
        var api = _app.MapGroup("/api/v2").AddEndpointFilter(async (context, next) =>
        {
            var header = context.HttpContext.Request.Headers.Authorization.ToString();
            bool known;
            lock (_lock)
            {
                known = header.StartsWith("Bearer ", StringComparison.Ordinal) && _tokens.Contains(header["Bearer ".Length..]);
            }
            if (!known)
            {
                return Error(401, "Unauthorized", "Invalid token", "invalid_token");
            }
            if (Interlocked.Decrement(ref _rateLimited) >= 0)
            {
                if (_sendRetryAfter)
                {
                    context.HttpContext.Response.Headers.RetryAfter = _retryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                }
                context.HttpContext.Response.Headers["x-ratelimit-reset"] = DateTimeOffset.UtcNow.AddSeconds(_retryAfterSeconds).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
                return Error(429, "Too Many Requests", "Global limit has been reached", "too_many_requests");
            }
            Interlocked.Exchange(ref _rateLimited, 0);
            return await next(context);
        });
        Auth0ManagementRoutes.Map(api, this);
        await _app.StartAsync(TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    /// <summary>Runs <paramref name="change"/> on the tenant's objects under its lock.</summary>
    internal IResult With(Func<State, IResult> change)
    {
        lock (_lock)
        {
            return change(_state);
        }
    }

    /// <summary>A client secret for a new application, remembered so that tests can look for it where it must not be.</summary>
    internal string NewClientSecret()
    {
        var secret = Secret();
        _secrets.Add(secret);
        return secret;
    }

    internal static IResult Error(int status, string error, string message, string errorCode) =>
        Results.Json(new JsonObject { ["statusCode"] = status, ["error"] = error, ["message"] = message, ["errorCode"] = errorCode }, statusCode: status);

    internal static IResult Invalid(string message) => Error(400, "Bad Request", message, "invalid_body");

    private async Task<IResult> Token(HttpContext http)
    {
        var body = await http.Request.ReadFromJsonAsync<JsonObject>(http.RequestAborted);
        if ((string?)body?["grant_type"] != "client_credentials")
        {
            return Results.Json(new { error = "unsupported_grant_type", error_description = "Unsupported grant type" }, statusCode: 400);
        }
        if ((string?)body["client_id"] != ClientId || (string?)body["client_secret"] != ClientSecret)
        {
            return Results.Json(new { error = "access_denied", error_description = "Unauthorized" }, statusCode: 401);
        }
        if ((string?)body["audience"] != $"https://{Domain}/api/v2/")
        {
            return Results.Json(new { error = "access_denied", error_description = $"Service not enabled within domain: {body["audience"]}" }, statusCode: 403);
        }
        var token = Secret();
        lock (_lock)
        {
            _tokens.Add(token);
        }
        return Results.Json(new { access_token = token, token_type = "Bearer", expires_in = 86400, scope = "read:clients create:clients update:clients" });
    }

    private static string Secret() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(48)).Replace('+', '-').Replace('/', '_');

    /// <summary>The tenant's objects by id.</summary>
    internal sealed class State
    {
        public JsonObject TenantSettings { get; } = new() { ["friendly_name"] = "AeroGrid example", ["allow_organization_name_in_authentication_api"] = false };

        public Dictionary<string, JsonObject> ResourceServers { get; } = [];

        public Dictionary<string, JsonObject> Roles { get; } = [];

        public Dictionary<string, List<(string Api, string Permission)>> RolePermissions { get; } = [];

        public Dictionary<string, JsonObject> Organizations { get; } = [];

        public Dictionary<string, JsonObject> Clients { get; } = [];

        public Dictionary<string, JsonObject> ClientGrants { get; } = [];

        public Dictionary<string, JsonObject> Collection(string name) => name switch
        {
            "resource-servers" => ResourceServers,
            "roles" => Roles,
            "organizations" => Organizations,
            "clients" => Clients,
            "client-grants" => ClientGrants,
            _ => throw new ArgumentOutOfRangeException(nameof(name)),
        };

        /// <summary>An id in Auth0's style: a prefix and random characters (<c>rol_</c>, <c>org_</c>, <c>cgr_</c>).</summary>
        public static string NewId(string prefix) => prefix + Convert.ToHexString(RandomNumberGenerator.GetBytes(8)).ToLowerInvariant();
    }
}
