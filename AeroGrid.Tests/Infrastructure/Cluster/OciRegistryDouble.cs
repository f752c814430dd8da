using System.Formats.Tar;
using System.IO.Compression;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace AeroGrid.Tests.Infrastructure.Cluster;

/// <summary>
/// A test double for an OCI registry, which cannot run on these machines: a real HTTP server on a loopback port that
/// follows the OCI distribution spec v1.1 for the endpoints it serves (the API base; manifests by tag or digest; blobs;
/// monolithic and chunked uploads, their digests verified), keeps everything in memory, and authenticates no one,
/// with Basic credentials, or with Bearer tokens from its own <c>/token</c> service as Docker's token authentication
/// describes (https://distribution.github.io/distribution/spec/auth/token/). It records every request it served.
/// </summary>
internal sealed partial class OciRegistryDouble : IAsyncDisposable
{
    public const string Username = "pusher";
    public const string Password = "double-push-password";
    public const string OciManifest = "application/vnd.oci.image.manifest.v1+json";

    private readonly WebApplication _app;
    private readonly RegistryAuthMode _auth;
    private readonly Lock _gate = new();
    private readonly List<string> _requests = [];
    private readonly Dictionary<(string Name, string Digest), byte[]> _blobs = [];
    private readonly Dictionary<(string Name, string Digest), (string MediaType, byte[] Content)> _manifests = [];
    private readonly Dictionary<(string Name, string Tag), string> _tags = [];
    private readonly Dictionary<string, (string Name, MemoryStream Content)> _uploads = [];
    private readonly Dictionary<string, HashSet<string>> _grants = [];

    private OciRegistryDouble(WebApplication app, RegistryAuthMode auth)
    {
        _app = app;
        _auth = auth;
        app.Run(ServeAsync);
    }

    /// <summary>The registry as image references and dockerconfigjson keys name it: <c>127.0.0.1:port</c>.</summary>
    public string Host => _app.BoundAddress().Authority;

    /// <summary>Every request served so far, as <c>METHOD /path</c> (without the query), in order.</summary>
    public IReadOnlyList<string> Requests
    {
        get
        {
            lock (_gate)
            {
                return [.. _requests];
            }
        }
    }

    public static async Task<OciRegistryDouble> StartAsync(RegistryAuthMode auth, CancellationToken cancellationToken)
    {
        var registry = new OciRegistryDouble(LoopbackKestrel.CreateBuilder().Build(), auth);
        await registry._app.StartAsync(cancellationToken);
        return registry;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    /// <summary>
    /// Pushes a tiny valid image (a config, one gzipped tar layer, an OCI manifest) as <paramref name="name"/>:<paramref name="tag"/>
    /// through the registry's own API, as a client with <see cref="Username"/> would; returns the manifest's digest.
    /// </summary>
    public async Task<string> PushImageAsync(string name, string tag, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = _app.BoundAddress() };
        var basic = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Username}:{Password}")));
        http.DefaultRequestHeaders.Authorization = _auth switch
        {
            RegistryAuthMode.Basic => basic,
            RegistryAuthMode.Bearer => new("Bearer", await TokenAsync(http, basic, $"repository:{name}:pull,push", cancellationToken)),
            _ => null,
        };
        var (layer, diffId) = Layer();
        var config = JsonSerializer.SerializeToUtf8Bytes(new
        {
            architecture = "amd64",
            os = "linux",
            rootfs = new { type = "layers", diff_ids = new[] { diffId } },
        });
        using (var monolithic = await http.PostAsync($"/v2/{name}/blobs/uploads/?digest={Digest(config)}", new ByteArrayContent(config), cancellationToken))
        {
            monolithic.EnsureSuccessStatusCode();
        }
        using var started = await http.PostAsync($"/v2/{name}/blobs/uploads/", null, cancellationToken);
        var chunk = new ByteArrayContent(layer);
        chunk.Headers.TryAddWithoutValidation("Content-Range", $"0-{layer.Length - 1}");
        using var patched = await http.PatchAsync(started.EnsureSuccessStatusCode().Headers.Location, chunk, cancellationToken);
        using var finished = await http.PutAsync($"{patched.EnsureSuccessStatusCode().Headers.Location}?digest={Digest(layer)}", null, cancellationToken);
        finished.EnsureSuccessStatusCode();
        var manifest = JsonSerializer.SerializeToUtf8Bytes(new
        {
            schemaVersion = 2,
            mediaType = OciManifest,
            config = new { mediaType = "application/vnd.oci.image.config.v1+json", digest = Digest(config), size = config.Length },
            layers = new[] { new { mediaType = "application/vnd.oci.image.layer.v1.tar+gzip", digest = Digest(layer), size = layer.Length } },
        });
        var content = new ByteArrayContent(manifest);
        content.Headers.ContentType = new(OciManifest);
        using var pushed = await http.PutAsync($"/v2/{name}/manifests/{tag}", content, cancellationToken);
        pushed.EnsureSuccessStatusCode();
        return Digest(manifest);
    }

    public static string Digest(byte[] content) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(content));

    private static async Task<string> TokenAsync(HttpClient http, AuthenticationHeaderValue basic, string scope, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/token?service={http.BaseAddress!.Authority}&scope={Uri.EscapeDataString(scope)}");
        request.Headers.Authorization = basic;
        using var response = await http.SendAsync(request, cancellationToken);
        var answer = JsonNode.Parse(await response.EnsureSuccessStatusCode().Content.ReadAsStringAsync(cancellationToken));
        return answer!["token"]!.GetValue<string>();
    }

    /// <summary>A layer holding one file, gzipped, and its diff id (the digest of the tar itself).</summary>
    private static (byte[] Layer, string DiffId) Layer()
    {
        using var tar = new MemoryStream();
        using (var writer = new TarWriter(tar, leaveOpen: true))
        {
            var entry = new PaxTarEntry(TarEntryType.RegularFile, "hello.txt") { DataStream = new MemoryStream("hello\n"u8.ToArray()) };
            writer.WriteEntry(entry);
        }
        using var gzipped = new MemoryStream();
        using (var gzip = new GZipStream(gzipped, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(tar.ToArray());
        }
        return (gzipped.ToArray(), Digest(tar.ToArray()));
    }

    private async Task ServeAsync(HttpContext context)
    {
        var (method, path) = (context.Request.Method, context.Request.Path.Value ?? "");
        lock (_gate)
        {
            _requests.Add($"{method} {path}");
        }
        if (path == "/token" && _auth == RegistryAuthMode.Bearer)
        {
            await IssueTokenAsync(context);
            return;
        }
        var route = Route().Match(path);
        if (path != "/v2/" && !route.Success)
        {
            await ErrorAsync(context, StatusCodes.Status404NotFound, "NAME_INVALID", $"the double serves no {path}");
            return;
        }
        var name = route.Success ? route.Groups["name"].Value : null;
        var pull = HttpMethods.IsGet(method) || HttpMethods.IsHead(method);
        if (!Authorized(context, name, pull ? "pull" : "push"))
        {
            context.Response.Headers.WWWAuthenticate = Challenge(name, pull ? "pull" : "pull,push");
            await ErrorAsync(context, StatusCodes.Status401Unauthorized, "UNAUTHORIZED", "authentication required");
            return;
        }
        context.Response.Headers["Docker-Distribution-API-Version"] = "registry/2.0";
        await ((name, route.Groups, method) switch
        {
            (null, _, _) => WriteAsync(context, "application/json", "{}"u8.ToArray(), digest: null),
            ({ } n, var g, _) when g["reference"].Success && pull => GetManifestAsync(context, n, g["reference"].Value),
            ({ } n, var g, "PUT") when g["reference"].Success => PutManifestAsync(context, n, g["reference"].Value),
            ({ } n, var g, "POST") when g["upload"].Success && g["upload"].Length == 0 => StartUploadAsync(context, n),
            ({ } n, var g, "PATCH") when g["upload"].Length > 0 => AppendAsync(context, n, g["upload"].Value, finish: false),
            ({ } n, var g, "PUT") when g["upload"].Length > 0 => AppendAsync(context, n, g["upload"].Value, finish: true),
            ({ } n, var g, _) when g["digest"].Success && pull => GetBlobAsync(context, n, g["digest"].Value),
            _ => ErrorAsync(context, StatusCodes.Status405MethodNotAllowed, "UNSUPPORTED", $"the double does not serve {method} {path}"),
        });
    }

    private bool Authorized(HttpContext context, string? name, string action)
    {
        var authorization = context.Request.Headers.Authorization.ToString();
        lock (_gate)
        {
            return _auth switch
            {
                RegistryAuthMode.Basic => authorization == $"Basic {Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Username}:{Password}"))}",
                // The API base needs only a token; a repository, a token granting the action on it.
                RegistryAuthMode.Bearer => authorization.StartsWith("Bearer ", StringComparison.Ordinal)
                    && _grants.TryGetValue(authorization["Bearer ".Length..], out var granted)
                    && (name is null || granted.Contains($"{name}:{action}")),
                _ => true,
            };
        }
    }

    private string Challenge(string? name, string actions) => _auth == RegistryAuthMode.Basic
        ? "Basic realm=\"oci-registry-double\""
        : $"Bearer realm=\"{_app.BoundAddress()}token\",service=\"{Host}\"" + (name is null ? "" : $",scope=\"repository:{name}:{actions}\"");

    /// <summary>The token service: Basic credentials in, an opaque token out, granting the requested actions.</summary>
    private async Task IssueTokenAsync(HttpContext context)
    {
        var query = context.Request.Query;
        if (query["service"] != Host)
        {
            await ErrorAsync(context, StatusCodes.Status400BadRequest, "DENIED", $"this token service serves {Host}, not '{query["service"]}'");
            return;
        }
        if (context.Request.Headers.Authorization != $"Basic {Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Username}:{Password}"))}")
        {
            context.Response.Headers.WWWAuthenticate = "Basic realm=\"oci-registry-double\"";
            await ErrorAsync(context, StatusCodes.Status401Unauthorized, "UNAUTHORIZED", "wrong or no credentials");
            return;
        }
        // scope=repository:<name>:<actions>, repeated or space-separated; a name has no colon.
        var grants = query["scope"].SelectMany(s => (s ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(s => s.Split(':'))
            .Where(p => p is ["repository", _, _])
            .SelectMany(p => p[2].Split(',').Select(action => $"{p[1]}:{action}"))
            .ToHashSet();
        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        lock (_gate)
        {
            _grants[token] = grants;
        }
        await context.Response.WriteAsJsonAsync(new { token, expires_in = 300, issued_at = DateTimeOffset.UtcNow });
    }

    private async Task GetManifestAsync(HttpContext context, string name, string reference)
    {
        string? digest;
        (string MediaType, byte[] Content)? manifest;
        lock (_gate)
        {
            digest = reference.Contains(':', StringComparison.Ordinal) ? reference : _tags.GetValueOrDefault((name, reference));
            manifest = digest is not null && _manifests.TryGetValue((name, digest), out var found) ? found : null;
        }
        await (manifest is { } m
            ? WriteAsync(context, m.MediaType, m.Content, digest)
            : ErrorAsync(context, StatusCodes.Status404NotFound, "MANIFEST_UNKNOWN", $"{name}:{reference} is unknown"));
    }

    private async Task PutManifestAsync(HttpContext context, string name, string reference)
    {
        var content = await BodyAsync(context);
        var digest = Digest(content);
        var isDigest = reference.Contains(':', StringComparison.Ordinal);
        if (isDigest ? reference != digest : !Tag().IsMatch(reference))
        {
            await ErrorAsync(context, StatusCodes.Status400BadRequest, isDigest ? "DIGEST_INVALID" : "MANIFEST_INVALID", $"bad reference {reference}");
            return;
        }
        if (context.Request.ContentType is not { Length: > 0 } mediaType || References(content) is not { } references)
        {
            await ErrorAsync(context, StatusCodes.Status400BadRequest, "MANIFEST_INVALID", "no media type, or not a JSON manifest");
            return;
        }
        lock (_gate)
        {
            references.RemoveAll(r => _blobs.ContainsKey((name, r)));
            if (references.Count == 0)
            {
                _manifests[(name, digest)] = (mediaType, content);
                if (!isDigest)
                {
                    _tags[(name, reference)] = digest;
                }
            }
        }
        if (references.Count > 0)
        {
            await ErrorAsync(context, StatusCodes.Status400BadRequest, "MANIFEST_BLOB_UNKNOWN", "blob unknown to registry", new { digest = references[0] });
            return;
        }
        await CreatedAsync(context, $"/v2/{name}/manifests/{digest}", digest);
    }

    /// <summary>The blobs a manifest refers to (its config and layers), or null if it is not a JSON object.</summary>
    private static List<string>? References(byte[] manifest)
    {
        try
        {
            return JsonNode.Parse(manifest) is JsonObject root
                ? [.. ((JsonArray?)root["layers"] ?? new JsonArray()).Append(root["config"]).Select(d => d?["digest"]?.GetValue<string>()).OfType<string>()]
                : null;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or InvalidCastException)
        {
            return null;
        }
    }

    private async Task GetBlobAsync(HttpContext context, string name, string digest)
    {
        byte[]? blob;
        lock (_gate)
        {
            blob = _blobs.GetValueOrDefault((name, digest));
        }
        await (blob is null
            ? ErrorAsync(context, StatusCodes.Status404NotFound, "BLOB_UNKNOWN", $"{digest} is unknown to {name}")
            : WriteAsync(context, "application/octet-stream", blob, digest));
    }

    /// <summary>POST to the uploads: with <c>?digest=</c> the whole blob at once, else a new upload session.</summary>
    private async Task StartUploadAsync(HttpContext context, string name)
    {
        if (context.Request.Query["digest"] is [{ } digest])
        {
            await StoreBlobAsync(context, name, digest, await BodyAsync(context));
            return;
        }
        var id = Guid.NewGuid().ToString("N");
        lock (_gate)
        {
            _uploads[id] = (name, new MemoryStream());
        }
        context.Response.StatusCode = StatusCodes.Status202Accepted;
        context.Response.Headers.Location = $"/v2/{name}/blobs/uploads/{id}";
        context.Response.ContentLength = 0;
    }

    /// <summary>PATCH a chunk (in order, as its <c>Content-Range</c> says), or PUT the last one with <c>?digest=</c>.</summary>
    private async Task AppendAsync(HttpContext context, string name, string id, bool finish)
    {
        var chunk = await BodyAsync(context);
        MemoryStream? upload;
        lock (_gate)
        {
            upload = _uploads.TryGetValue(id, out var found) && found.Name == name ? found.Content : null;
        }
        if (upload is null)
        {
            await ErrorAsync(context, StatusCodes.Status404NotFound, "BLOB_UPLOAD_UNKNOWN", $"no upload {id} to {name}");
            return;
        }
        var range = context.Request.Headers.ContentRange.ToString();
        if (range.Length > 0 && range.Split('-')[0] != upload.Length.ToString(System.Globalization.CultureInfo.InvariantCulture))
        {
            context.Response.StatusCode = StatusCodes.Status416RangeNotSatisfiable;
            context.Response.Headers.Range = $"0-{upload.Length - 1}";
            return;
        }
        upload.Write(chunk);
        if (!finish)
        {
            context.Response.StatusCode = StatusCodes.Status202Accepted;
            context.Response.Headers.Location = $"/v2/{name}/blobs/uploads/{id}";
            context.Response.Headers.Range = $"0-{upload.Length - 1}";
            context.Response.ContentLength = 0;
            return;
        }
        lock (_gate)
        {
            _uploads.Remove(id);
        }
        await StoreBlobAsync(context, name, context.Request.Query["digest"].ToString(), upload.ToArray());
    }

    private async Task StoreBlobAsync(HttpContext context, string name, string digest, byte[] content)
    {
        if (digest != Digest(content))
        {
            await ErrorAsync(context, StatusCodes.Status400BadRequest, "DIGEST_INVALID", "provided digest did not match uploaded content", new { digest });
            return;
        }
        lock (_gate)
        {
            _blobs[(name, digest)] = content;
        }
        await CreatedAsync(context, $"/v2/{name}/blobs/{digest}", digest);
    }

    private static async Task<byte[]> BodyAsync(HttpContext context)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted);
        return body.ToArray();
    }

    private static Task CreatedAsync(HttpContext context, string location, string digest)
    {
        context.Response.StatusCode = StatusCodes.Status201Created;
        context.Response.Headers.Location = location;
        context.Response.Headers["Docker-Content-Digest"] = digest;
        context.Response.ContentLength = 0;
        return Task.CompletedTask;
    }

    /// <summary>A manifest, blob or the API base; to a HEAD only the headers, as HTTP says.</summary>
    private static async Task WriteAsync(HttpContext context, string mediaType, byte[] content, string? digest)
    {
        context.Response.ContentType = mediaType;
        context.Response.ContentLength = content.Length;
        if (digest is not null)
        {
            context.Response.Headers["Docker-Content-Digest"] = digest;
        }
        if (!HttpMethods.IsHead(context.Request.Method))
        {
            await context.Response.Body.WriteAsync(content, context.RequestAborted);
        }
    }

    /// <summary>An error in the distribution spec's shape, <c>{"errors":[{"code","message","detail"}]}</c>.</summary>
    private static Task ErrorAsync(HttpContext context, int status, string code, string message, object? detail = null)
    {
        context.Response.StatusCode = status;
        var body = JsonSerializer.SerializeToUtf8Bytes(new { errors = new[] { new { code, message, detail } } });
        return WriteAsync(context, "application/json", body, digest: null);
    }

    /// <summary>A repository name by the spec's grammar (slashes allowed), then what is asked of it.</summary>
    [GeneratedRegex(@"^/v2/(?<name>[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*)*)/(?:manifests/(?<reference>[^/]+)|blobs/uploads/(?<upload>[^/]*)|blobs/(?<digest>[^/]+))$")]
    private static partial Regex Route();

    [GeneratedRegex("^[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}$")]
    private static partial Regex Tag();
}
