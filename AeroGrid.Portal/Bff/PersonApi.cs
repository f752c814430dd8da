using AeroGrid.Api.Client;
using AeroGrid.Portal.Sessions;

namespace AeroGrid.Portal.Bff;

/// <summary>
/// The API as the signed-in person: every call carries their own token, so the API decides what they may see and
/// do; the Portal adds no rights of its own.
/// </summary>
internal sealed class PersonApi(IHttpClientFactory clients)
{
    public const string HttpClientName = "api";

    public ApiClient For(Session session) =>
        new(clients.CreateClient(HttpClientName), _ => ValueTask.FromResult<string?>(session.AccessToken));
}
