using System.Buffers.Text;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Caching.Memory;

namespace AeroGrid.Portal.Sessions;

/// <summary>
/// Signed-in people, held on the server: the cookie authentication handler keeps each sign-in's ticket (the person and
/// their tokens) here, and the browser's cookie carries only an encrypted reference to it, never a token.
/// </summary>
/// <remarks>
/// In memory, so a restarted Portal asks everyone to sign in again (the editor keeps unsaved text as a draft).
/// Several Portal replicas would need a shared store (e.g. Redis through <c>IDistributedCache</c>); one replica is what
/// the manifests run. A cache of its own, so no other user of a shared <see cref="IMemoryCache"/> can evict or read sessions.
/// </remarks>
internal sealed class SessionTicketStore : ITicketStore, IDisposable
{
    private readonly MemoryCache _tickets = new(new MemoryCacheOptions());

    public async Task<string> StoreAsync(AuthenticationTicket ticket)
    {
        var key = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        await RenewAsync(key, ticket);
        return key;
    }

    /// <summary>A ticket leaves the store when it expires: the session's end, set at sign-in (see SignInEvents).</summary>
    public Task RenewAsync(string key, AuthenticationTicket ticket)
    {
        _tickets.Set(key, ticket, new MemoryCacheEntryOptions { AbsoluteExpiration = ticket.Properties.ExpiresUtc });
        return Task.CompletedTask;
    }

    public Task<AuthenticationTicket?> RetrieveAsync(string key) =>
        Task.FromResult(_tickets.TryGetValue(key, out AuthenticationTicket? ticket) ? ticket : null);

    public Task RemoveAsync(string key)
    {
        _tickets.Remove(key);
        return Task.CompletedTask;
    }

    public void Dispose() => _tickets.Dispose();
}
