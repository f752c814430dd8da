using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace AeroGrid.Operator.Workloads.Kubernetes;

/// <summary>
/// Asks a registry whether an image exists, through the OCI distribution API: <c>HEAD /v2/&lt;name&gt;/manifests/&lt;tag&gt;</c>,
/// authenticating as the registry's <c>WWW-Authenticate</c> challenge asks, with Basic credentials or with a Bearer token
/// from the registry's token service (Docker's token authentication, which OCI registries share).
/// </summary>
/// <remarks>
/// Written here because the .NET OCI clients on NuGet are either whole push/pull libraries or abandoned, and one HEAD
/// with its two authentication schemes is small. See https://github.com/opencontainers/distribution-spec/blob/v1.1.0/spec.md
/// and https://distribution.github.io/distribution/spec/auth/token/.
/// </remarks>
internal sealed partial class OciRegistryClient(HttpClient http, RegistryTokenCache tokens, IOptions<KubernetesBackendOptions> options)
{
    /// <summary>The manifest types an image may have: OCI's and Docker's, single-platform or an index of platforms.</summary>
    private static readonly string[] ManifestTypes =
    [
        "application/vnd.oci.image.index.v1+json",
        "application/vnd.oci.image.manifest.v1+json",
        "application/vnd.docker.distribution.manifest.list.v2+json",
        "application/vnd.docker.distribution.manifest.v2+json",
    ];

    /// <summary>What a token service's answer lacking <c>expires_in</c> means, by the token specification.</summary>
    private static readonly TimeSpan DefaultTokenLifetime = TimeSpan.FromSeconds(60);

    /// <summary>Whether <paramref name="registry"/> (<c>host[:port]</c>) holds the manifest <paramref name="repository"/>:<paramref name="tag"/>.</summary>
    /// <exception cref="RegistryException">The registry refused, answered other than 200 or 404, or could not be reached.</exception>
    public async Task<bool> HasManifestAsync(
        string registry, string repository, string tag, RegistryCredentials? credentials, CancellationToken cancellationToken)
    {
        var scheme = options.Value.InsecureRegistry ? "http" : "https";
        var manifest = new Uri($"{scheme}://{registry}/v2/{repository}/manifests/{tag}");
        var scope = $"repository:{repository}:pull";
        try
        {
            var response = await HeadAsync(manifest, tokens.Get(registry, scope) is { } token ? new("Bearer", token) : null, cancellationToken);
            if (response.StatusCode == HttpStatusCode.Unauthorized)
            {
                var challenges = response.Headers.WwwAuthenticate.ToList();
                response.Dispose();
                var authorization = await AnswerAsync(challenges, registry, repository, scope, credentials, cancellationToken);
                response = await HeadAsync(manifest, authorization, cancellationToken);
            }
            using (response)
            {
                return response.StatusCode switch
                {
                    HttpStatusCode.OK => true,
                    HttpStatusCode.NotFound => false,
                    var status => throw Refusal(registry, repository, credentials, status),
                };
            }
        }
        catch (HttpRequestException e)
        {
            throw new RegistryException($"could not reach {registry} to look for {repository}:{tag}: {e.Message}", e);
        }
    }

    private async Task<HttpResponseMessage> HeadAsync(Uri manifest, AuthenticationHeaderValue? authorization, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Head, manifest);
        foreach (var type in ManifestTypes)
        {
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(type));
        }
        request.Headers.Authorization = authorization;
        return await http.SendAsync(request, cancellationToken);
    }

    /// <summary>The <c>Authorization</c> that answers a registry's challenges: Bearer if offered, else Basic.</summary>
    private async Task<AuthenticationHeaderValue> AnswerAsync(
        List<AuthenticationHeaderValue> challenges, string registry, string repository, string scope, RegistryCredentials? credentials,
        CancellationToken cancellationToken)
    {
        if (challenges.Find(c => c.Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase)) is { } bearer)
        {
            var token = await RequestTokenAsync(Parameters(bearer.Parameter), registry, repository, scope, credentials, cancellationToken);
            return new("Bearer", token);
        }
        if (challenges.Exists(c => c.Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase)))
        {
            return credentials is null
                ? throw Refusal(registry, repository, credentials, HttpStatusCode.Unauthorized)
                : new("Basic", credentials.BasicParameter);
        }
        var offered = challenges.Count == 0 ? "no WWW-Authenticate challenge" : string.Join(", ", challenges.Select(c => c.Scheme));
        throw new RegistryException($"{registry} asks for authentication to {repository} (401) with {offered}, neither Basic nor Bearer");
    }

    /// <summary>A token from the token service a Bearer challenge names (its <c>realm</c>), for the challenge's service and scope.</summary>
    private async Task<string> RequestTokenAsync(
        Dictionary<string, string> challenge, string registry, string repository, string scope, RegistryCredentials? credentials,
        CancellationToken cancellationToken)
    {
        if (!challenge.TryGetValue("realm", out var realm) || !Uri.TryCreate(realm, UriKind.Absolute, out var realmUri))
        {
            throw new RegistryException($"{registry} asks for a Bearer token for {repository} (401) without naming a token service");
        }
        var query = new List<string>();
        if (challenge.TryGetValue("service", out var service))
        {
            query.Add($"service={Uri.EscapeDataString(service)}");
        }
        query.Add($"scope={Uri.EscapeDataString(challenge.GetValueOrDefault("scope", scope))}");
        var separator = string.IsNullOrEmpty(realmUri.Query) ? "?" : "&";
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{realm}{separator}{string.Join('&', query)}");
        if (credentials is not null)
        {
            request.Headers.Authorization = new("Basic", credentials.BasicParameter);
        }
        using var response = await http.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw Refusal($"the token service {realmUri.GetLeftPart(UriPartial.Path)} of {registry}", repository, credentials, response.StatusCode);
        }
        using var answer = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
        var root = answer.RootElement;
        var token = (root.TryGetProperty("token", out var t) ? t.GetString() : null)
            ?? (root.TryGetProperty("access_token", out var a) ? a.GetString() : null)
            ?? throw new RegistryException($"the token service {realmUri.GetLeftPart(UriPartial.Path)} of {registry} answered without a token");
        var lifetime = root.TryGetProperty("expires_in", out var e) && e.TryGetInt32(out var seconds) && seconds > 0
            ? TimeSpan.FromSeconds(seconds)
            : DefaultTokenLifetime;
        tokens.Add(registry, scope, token, lifetime);
        return token;
    }

    /// <summary>Why <paramref name="who"/> (the registry or its token service) did not answer the question, for a person.</summary>
    private static RegistryException Refusal(string who, string repository, RegistryCredentials? credentials, HttpStatusCode status)
    {
        var code = (int)status;
        return (status, credentials) switch
        {
            (HttpStatusCode.Unauthorized, null) => new($"{who} requires credentials for {repository} ({code}), and none were given"),
            (HttpStatusCode.Unauthorized, _) => new($"{who} refused the credentials of {credentials.Source} for {repository} ({code})"),
            (HttpStatusCode.Forbidden, null) => new($"{who} denied anonymous access to {repository} ({code})"),
            (HttpStatusCode.Forbidden, _) => new($"{who} denied the credentials of {credentials.Source} access to {repository} ({code})"),
            _ => new($"{who} answered {code} ({status}) for {repository}"),
        };
    }

    /// <summary>The auth-params of a challenge, <c>realm="...",service="...",scope="..."</c>; a quoted value may hold commas.</summary>
    /// <remarks>.NET parses a challenge's scheme but leaves its parameters one string.</remarks>
    private static Dictionary<string, string> Parameters(string? parameter)
    {
        var parameters = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (Match match in AuthParameter().Matches(parameter ?? ""))
        {
            parameters[match.Groups["key"].Value] = match.Groups["value"].Value;
        }
        return parameters;
    }

    [GeneratedRegex("""(?<key>[A-Za-z0-9_-]+)=(?:"(?<value>[^"]*)"|(?<value>[^,\s]*))""")]
    private static partial Regex AuthParameter();
}
