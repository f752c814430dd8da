using System.Net;
using System.Security.Claims;
using System.Text.Json.Nodes;
using AeroGrid.Api.Validation;
using AeroGrid.ControlPlane;
using AeroGrid.ControlPlane.DevIssuer;
using AeroGrid.ServiceDefaults.Authentication;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// The dev issuer: OIDC discovery, JWKS and an OAuth token endpoint shaped like Auth0's, so every service
/// validates local tokens exactly as it validates Auth0's. Loopback callers only.
/// </summary>
internal static class DevIssuerApi
{
    private static readonly HashSet<string> KnownPermissions =
        [Permissions.AppsRead, Permissions.AppsWrite, Permissions.AppsInvoke, Permissions.PlatformAdmin];

    private const string DefaultPermissions = "apps:read apps:write apps:invoke";

    public static IServiceCollection AddDevIssuer(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<DevIssuerOptions>(configuration.GetSection(DevIssuerOptions.SectionName));
        services.AddSingleton<DevSigningKey>();
        services.AddSingleton<AuthorizationCodes>();
        services.AddSingleton<RefreshTokens>();
        return services;
    }

    public static WebApplication MapDevIssuer(this WebApplication app)
    {
        if (!app.Services.GetRequiredService<IOptions<DevIssuerOptions>>().Value.Enabled)
        {
            return app;
        }
        // Load or create the key now, not on the first token request.
        app.Services.GetRequiredService<DevSigningKey>();
        var issuer = app.MapGroup("/dev-issuer").AddEndpointFilter(async (context, next) =>
            IPAddress.IsLoopback(context.HttpContext.Connection.RemoteIpAddress ?? IPAddress.None)
                ? await next(context)
                : Results.Json(new { error = "access_denied", error_description = "the dev issuer answers only on this machine (loopback)" }, statusCode: 403));

        issuer.MapGet("/.well-known/openid-configuration", (IOptions<AeroGridAuthOptions> auth) =>
        {
            var authority = auth.Value.Authority;
            return Results.Json(new JsonObject
            {
                ["issuer"] = authority,
                ["jwks_uri"] = authority + ".well-known/jwks.json",
                ["token_endpoint"] = authority + "oauth/token",
                ["authorization_endpoint"] = authority + "authorize",
                ["end_session_endpoint"] = authority + "logout",
                ["code_challenge_methods_supported"] = new JsonArray("S256"),
                ["scopes_supported"] = new JsonArray("openid", "profile", "offline_access"),
                ["response_types_supported"] = new JsonArray("code"),
                ["response_modes_supported"] = new JsonArray("query"),
                ["subject_types_supported"] = new JsonArray("public"),
                ["id_token_signing_alg_values_supported"] = new JsonArray("RS256"),
                ["grant_types_supported"] = new JsonArray("authorization_code", "refresh_token", "client_credentials"),
                ["token_endpoint_auth_methods_supported"] = new JsonArray("none", "client_secret_post"),
            });
        });
        issuer.MapGet("/.well-known/jwks.json", (DevSigningKey key) => Results.Json(new JsonObject
        {
            ["keys"] = new JsonArray(new JsonObject
            {
                ["kty"] = "RSA",
                ["use"] = "sig",
                ["alg"] = "RS256",
                ["kid"] = key.PublicJwk.Kid,
                ["n"] = key.PublicJwk.N,
                ["e"] = key.PublicJwk.E,
            }),
        }));
        issuer.MapAuthorizePage();
        issuer.MapPost("/oauth/token", async (HttpContext http, DevSigningKey key, IOptions<AeroGridAuthOptions> auth, IOptions<DevIssuerOptions> options, AuthorizationCodes codes, RefreshTokens refreshTokens) =>
        {
            var form = http.Request.HasFormContentType
                ? (await http.Request.ReadFormAsync(http.RequestAborted)).ToDictionary(f => f.Key, f => f.Value.ToString())
                : (await http.Request.ReadFromJsonAsync<Dictionary<string, string>>(http.RequestAborted)) ?? [];
            // Tokens are credentials: no cache keeps them (RFC 6749, section 5.1).
            http.Response.Headers.CacheControl = "no-store";
            if (form.GetValueOrDefault("grant_type") == "authorization_code")
            {
                return ExchangeCode(key, auth.Value, options.Value, codes, refreshTokens, form);
            }
            if (form.GetValueOrDefault("grant_type") == "refresh_token")
            {
                var clientId = form.GetValueOrDefault("client_id", "");
                return refreshTokens.Redeem(form.GetValueOrDefault("refresh_token", ""), clientId) is { } refreshed
                    ? SignIn(key, auth.Value, options.Value, refreshed, clientId, nonce: "", refreshTokens.Issue(clientId, refreshed))
                    : Error("invalid_grant", "the refresh token is unknown, expired, already used or another client's");
            }
            if (form.GetValueOrDefault("grant_type") != "client_credentials")
            {
                return Error("unsupported_grant_type", "the dev issuer supports grant_type=authorization_code, refresh_token and client_credentials");
            }
            var lifetime = options.Value.TokenLifetime;
            if (form.TryGetValue("expires_in", out var requested))
            {
                lifetime = int.TryParse(requested, out var seconds) && seconds > 0
                    ? TimeSpan.FromSeconds(Math.Min(seconds, options.Value.MaxTokenLifetime.TotalSeconds))
                    : TimeSpan.Zero;
                if (lifetime == TimeSpan.Zero)
                {
                    return Error("invalid_request", "expires_in must be a positive number of seconds");
                }
            }
            return Mint(key, auth.Value, form, lifetime) switch
            {
                (null, var error) => Error("invalid_request", error!),
                (var token, _) => Results.Json(new JsonObject
                {
                    ["access_token"] = token,
                    ["token_type"] = "Bearer",
                    ["expires_in"] = (int)lifetime.TotalSeconds,
                    ["scope"] = form.GetValueOrDefault("permissions", DefaultPermissions),
                }),
            };
        });
        issuer.MapGet("/kubeconfig", (DevSigningKey key, IOptions<AeroGridAuthOptions> auth, IOptions<DevIssuerOptions> options,
            IOptions<ControlPlaneOptions> controlPlane, string? tenant, string? permissions) =>
        {
            var request = new Dictionary<string, string> { ["permissions"] = permissions ?? "apps:read apps:write" };
            if (tenant is not null)
            {
                request["tenant"] = tenant;
                request["subject"] = $"dev@{tenant}";
            }
            var (token, error) = Mint(key, auth.Value, request, options.Value.KubeconfigTokenLifetime);
            if (token is null)
            {
                return Error("invalid_request", error!);
            }
            if (controlPlane.Value.HttpsPort == 0)
            {
                return Error("invalid_request", "kubectl needs the API over HTTPS: set ControlPlane:HttpsPort");
            }
            var context = $"aerogrid-{tenant ?? "admin"}";
            return Results.Text($"""
                apiVersion: v1
                kind: Config
                clusters:
                - name: aerogrid-local
                  cluster:
                    server: https://127.0.0.1:{controlPlane.Value.HttpsPort}
                    certificate-authority-data: {ServingCertificate.AuthorityData(controlPlane.Value.DataDirectory)}
                users:
                - name: {context}
                  user:
                    token: {token}
                contexts:
                - name: {context}
                  context:
                    cluster: aerogrid-local
                    user: {context}
                    namespace: {tenant ?? "default"}
                current-context: {context}

                """, "application/yaml");
        });
        return app;
    }

    /// <summary>
    /// The code flow's second leg: a code and its PKCE verifier for an access token and an ID token, and a refresh token
    /// when the sign-in asked for <c>offline_access</c>.
    /// </summary>
    private static IResult ExchangeCode(
        DevSigningKey key, AeroGridAuthOptions auth, DevIssuerOptions options, AuthorizationCodes codes, RefreshTokens refreshTokens, Dictionary<string, string> form)
    {
        var clientId = form.GetValueOrDefault("client_id", "");
        var (user, nonce, offline, refusal) = codes.Redeem(
            form.GetValueOrDefault("code", ""), clientId, form.GetValueOrDefault("redirect_uri", ""), form.GetValueOrDefault("code_verifier", ""));
        return user is null
            ? Error("invalid_grant", refusal!)
            : SignIn(key, auth, options, user, clientId, nonce, offline ? refreshTokens.Issue(clientId, user) : null);
    }

    private static IResult SignIn(DevSigningKey key, AeroGridAuthOptions auth, DevIssuerOptions options, DevUser user, string clientId, string nonce, string? refreshToken)
    {
        var claims = new Dictionary<string, string> { ["tenant"] = user.Tenant, ["subject"] = user.Subject, ["permissions"] = user.Permissions };
        var (access, _) = Mint(key, auth, claims, options.SignInTokenLifetime);
        var (identity, _) = Mint(key, auth, new Dictionary<string, string>(claims) { ["audience"] = clientId }, options.SignInTokenLifetime, nonce);
        var answer = new JsonObject
        {
            ["access_token"] = access,
            ["id_token"] = identity,
            ["token_type"] = "Bearer",
            ["expires_in"] = (int)options.SignInTokenLifetime.TotalSeconds,
            ["scope"] = user.Permissions,
        };
        if (refreshToken is not null)
        {
            answer["refresh_token"] = refreshToken;
        }
        return Results.Json(answer);
    }

    /// <summary>
    /// A signed token with Auth0's shape: iss, sub, aud, iat, nbf, exp, jti, tenant claim, permissions; an ID token also
    /// carries the nonce its sign-in was started with.
    /// </summary>
    private static (string? Token, string? Error) Mint(
        DevSigningKey key, AeroGridAuthOptions auth, IReadOnlyDictionary<string, string> request, TimeSpan lifetime, string nonce = "")
    {
        var tenant = request.GetValueOrDefault("tenant");
        if (tenant is not null && NameValidation.Dns1123LabelErrors(tenant, "tenant").FirstOrDefault() is { } invalid)
        {
            return (null, $"tenant: {invalid.Message}");
        }
        var permissions = request.GetValueOrDefault("permissions", DefaultPermissions).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (permissions.FirstOrDefault(p => !KnownPermissions.Contains(p)) is { } unknown)
        {
            return (null, $"unknown permission '{unknown}'; known: {string.Join(", ", KnownPermissions)}");
        }
        if (tenant is null && !permissions.Contains(Permissions.PlatformAdmin))
        {
            return (null, "a tenant is required unless the token is for the platform (permissions=platform:admin)");
        }
        var now = DateTime.UtcNow;
        var claims = new Dictionary<string, object>
        {
            ["sub"] = request.GetValueOrDefault("subject") ?? request.GetValueOrDefault("client_id") ?? "dev-user",
            ["jti"] = Guid.NewGuid().ToString("N"),
            ["permissions"] = permissions,
        };
        if (tenant is not null)
        {
            claims[auth.TenantClaim] = tenant;
        }
        if (nonce.Length > 0)
        {
            claims["nonce"] = nonce;
        }
        var token = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = auth.Authority,
            Audience = request.GetValueOrDefault("audience", auth.Audience),
            IssuedAt = now,
            NotBefore = now,
            Expires = now + lifetime,
            Claims = claims,
            SigningCredentials = key.Credentials,
        });
        return (token, null);
    }

    private static IResult Error(string error, string description) =>
        Results.Json(new { error, error_description = description }, statusCode: 400);
}
