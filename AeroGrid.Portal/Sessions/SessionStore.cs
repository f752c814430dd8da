using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;

namespace AeroGrid.Portal.Sessions;

/// <summary>
/// Signed-in people, held on the server: the browser's cookie carries only a random session id, never a token.
/// </summary>
/// <remarks>
/// In memory, so a restarted Portal asks everyone to sign in again (the editor keeps unsaved text as a draft).
/// Several Portal replicas would need a shared store (e.g. Redis); one replica is what the manifests run.
/// </remarks>
internal sealed class SessionStore(IOptions<PortalOptions> options, TimeProvider time)
{
    public const string CookieName = "aerogrid.session";

    private static readonly TimeSpan SweepInterval = TimeSpan.FromMinutes(1);
    private readonly ConcurrentDictionary<string, Session> _sessions = new(StringComparer.Ordinal);
    private DateTimeOffset _nextSweep;

    public int Count => _sessions.Count;

    public Session Create(SignedIn signedIn)
    {
        var now = time.GetUtcNow();
        Sweep(now);
        var expires = Min(signedIn.Expires, now + options.Value.MaxSessionLifetime);
        var session = new Session(Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32)), signedIn, expires);
        _sessions[session.Id] = session;
        return session;
    }

    /// <summary>The live session with this id, or null (unknown, signed out, or expired).</summary>
    public Session? Find(string? id)
    {
        if (id is null || !_sessions.TryGetValue(id, out var session))
        {
            return null;
        }
        if (session.Expires > time.GetUtcNow())
        {
            return session;
        }
        _sessions.TryRemove(id, out _);
        return null;
    }

    public void Remove(string id) => _sessions.TryRemove(id, out _);

    private void Sweep(DateTimeOffset now)
    {
        if (now < _nextSweep)
        {
            return;
        }
        _nextSweep = now + SweepInterval;
        foreach (var (id, session) in _sessions)
        {
            if (session.Expires <= now)
            {
                _sessions.TryRemove(id, out _);
            }
        }
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;
}

/// <summary>One signed-in browser.</summary>
internal sealed record Session(string Id, SignedIn SignedIn, DateTimeOffset Expires)
{
    public string Tenant => SignedIn.Person.Tenant!;
}
