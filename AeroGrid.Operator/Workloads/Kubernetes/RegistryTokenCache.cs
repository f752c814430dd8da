using System.Collections.Concurrent;

namespace AeroGrid.Operator.Workloads.Kubernetes;

/// <summary>
/// Bearer tokens from registries' token services, per registry and scope, until shortly before they expire, so each
/// image check is one request and not three. One for the Operator: <see cref="OciRegistryClient"/>s come and go with
/// their <see cref="HttpClient"/>s.
/// </summary>
internal sealed class RegistryTokenCache(TimeProvider time)
{
    /// <summary>A token is given up this long before it expires, so it does not expire on its way to the registry.</summary>
    private static readonly TimeSpan Margin = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<(string Registry, string Scope), (string Token, DateTimeOffset Until)> _tokens = new();

    public string? Get(string registry, string scope) =>
        _tokens.TryGetValue((registry, scope), out var entry) && time.GetUtcNow() < entry.Until ? entry.Token : null;

    /// <summary>Keeps a token issued just now for <paramref name="lifetime"/> (the token service's <c>expires_in</c>).</summary>
    public void Add(string registry, string scope, string token, TimeSpan lifetime) =>
        _tokens[(registry, scope)] = (token, time.GetUtcNow() + lifetime - (lifetime / 2 < Margin ? lifetime / 2 : Margin));
}
