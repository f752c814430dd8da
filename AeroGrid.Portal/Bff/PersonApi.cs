using System.Net.Http.Headers;
using AeroGrid.Api.Client;
using k8s.Authentication;
using Microsoft.Extensions.Options;

namespace AeroGrid.Portal.Bff;

/// <summary>
/// The API as the signed-in person: one KubernetesClient connection whose every call carries the token of the person
/// whose request it serves, so the API decides what they may see and do; the Portal adds no rights of its own.
/// </summary>
internal sealed class PersonApi(IOptions<PortalOptions> options, IHttpContextAccessor requests) : IDisposable
{
    public ApiClient Client { get; } = ApiConnection.Connect(
        ApiConnection.Configure(options.Value.ApiServer, new SessionTokenProvider(requests)));

    public void Dispose() => Client.Dispose();

    /// <summary>The access token of the session of the request in flight (<see cref="BffFilter"/> put it there).</summary>
    private sealed class SessionTokenProvider(IHttpContextAccessor requests) : ITokenProvider
    {
        public Task<AuthenticationHeaderValue> GetAuthenticationHeaderAsync(CancellationToken cancellationToken) =>
            Task.FromResult(new AuthenticationHeaderValue("Bearer", BffFilter.SessionOf(
                requests.HttpContext ?? throw new InvalidOperationException("The API is called as a person only while serving their request.")).AccessToken));
    }
}
