using System.Text;
using System.Text.Json;
using k8s.Models;

namespace AeroGrid.Operator.Workloads.Kubernetes;

/// <summary>A user name and password for one registry, and the Secret they came from (named in errors, as the password never is).</summary>
internal sealed class RegistryCredentials(string source, string username, string password)
{
    public const string SecretType = "kubernetes.io/dockerconfigjson";
    public const string SecretKey = ".dockerconfigjson";

    /// <summary>The name of the Secret the credentials were read from.</summary>
    public string Source { get; } = source;

    public string Username { get; } = username;

    public string Password { get; } = password;

    /// <summary>The value of a Basic <c>Authorization</c> header.</summary>
    public string BasicParameter => Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Username}:{Password}"));

    public override string ToString() => $"{Username} (from {Source})";

    /// <summary>
    /// The credentials for <paramref name="registry"/> (<c>host[:port]</c>) in a <c>kubernetes.io/dockerconfigjson</c>
    /// Secret: <c>{"auths": {"&lt;host&gt;": {"username": ..., "password": ...} | {"auth": base64("user:pass")}}}</c>,
    /// the key also as <c>https://&lt;host&gt;</c>, with or without a path (Docker writes <c>https://index.docker.io/v1/</c>).
    /// </summary>
    /// <exception cref="RegistryException">The Secret is of another type, is malformed or has no entry for the registry.</exception>
    public static RegistryCredentials FromSecret(V1Secret secret, string registry)
    {
        ArgumentNullException.ThrowIfNull(secret);
        var name = secret.Metadata?.Name ?? "(unnamed)";
        var described = $"the Secret {secret.Metadata?.NamespaceProperty}/{name}";
        if (secret.Type != SecretType)
        {
            throw new RegistryException($"{described} is of type '{secret.Type}', not {SecretType}");
        }
        if (secret.Data?.TryGetValue(SecretKey, out var config) != true || config is null)
        {
            throw new RegistryException($"{described} has no {SecretKey} key");
        }
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(config);
        }
        catch (JsonException e)
        {
            // Only the position: the parser's message quotes the character it stopped at, which may be the password's.
            throw new RegistryException($"{described}: {SecretKey} is not JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1})");
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("auths", out var auths)
                || auths.ValueKind != JsonValueKind.Object)
            {
                throw new RegistryException($"{described}: {SecretKey} has no \"auths\" object");
            }
            var hosts = auths.EnumerateObject().ToList();
            var entry = hosts.FirstOrDefault(h => string.Equals(HostOf(h.Name), registry, StringComparison.OrdinalIgnoreCase));
            if (entry.Value.ValueKind == JsonValueKind.Undefined)
            {
                throw new RegistryException(
                    $"{described} has no credentials for {registry} (it has: {string.Join(", ", hosts.Select(h => h.Name))})");
            }
            return FromEntry(entry.Value, name, $"{described}, entry {entry.Name}");
        }
    }

    private static RegistryCredentials FromEntry(JsonElement entry, string source, string described)
    {
        if (entry.ValueKind != JsonValueKind.Object)
        {
            throw new RegistryException($"{described} is not an object");
        }
        if (StringProperty(entry, "username") is { Length: > 0 } username && StringProperty(entry, "password") is { } password)
        {
            return new RegistryCredentials(source, username, password);
        }
        if (StringProperty(entry, "auth") is not { } auth)
        {
            throw new RegistryException($"{described} has neither \"username\" and \"password\" nor \"auth\"");
        }
        string pair;
        try
        {
            pair = Encoding.UTF8.GetString(Convert.FromBase64String(auth));
        }
        catch (FormatException)
        {
            throw new RegistryException($"{described}: \"auth\" is not base64");
        }
        var colon = pair.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            throw new RegistryException($"{described}: \"auth\" is not base64 of \"user:password\"");
        }
        return new RegistryCredentials(source, pair[..colon], pair[(colon + 1)..]);
    }

    private static string? StringProperty(JsonElement entry, string name) =>
        entry.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>The <c>host[:port]</c> of an <c>auths</c> key, which may be a URL.</summary>
    private static string HostOf(string key)
    {
        var host = key.StartsWith("https://", StringComparison.OrdinalIgnoreCase) ? key["https://".Length..]
            : key.StartsWith("http://", StringComparison.OrdinalIgnoreCase) ? key["http://".Length..]
            : key;
        var slash = host.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? host : host[..slash];
    }
}
