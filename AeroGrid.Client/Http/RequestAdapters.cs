using Microsoft.Kiota.Abstractions.Authentication;
using Microsoft.Kiota.Http.HttpClientLibrary;

namespace AeroGrid.Client.Http;

/// <summary>
/// Kiota's request adapter for the generated clients (obj/kiota/): the caller's <see cref="HttpClient"/>, the person's
/// bearer token, and one base address. The token goes to that host only.
/// </summary>
internal static class RequestAdapters
{
    public static HttpClientRequestAdapter Create(HttpClient http, Uri baseUrl, Func<CancellationToken, ValueTask<string>> token) =>
        new(new BaseBearerTokenAuthenticationProvider(new BearerToken(token, baseUrl.Host)), httpClient: http)
        {
            BaseUrl = baseUrl.GetLeftPart(UriPartial.Path).TrimEnd('/'),
        };

    private sealed class BearerToken(Func<CancellationToken, ValueTask<string>> token, string host) : IAccessTokenProvider
    {
        public AllowedHostsValidator AllowedHostsValidator { get; } = new([host]);

        public async Task<string> GetAuthorizationTokenAsync(Uri uri, Dictionary<string, object>? additionalAuthenticationContext = null,
            CancellationToken cancellationToken = default) =>
            AllowedHostsValidator.IsUrlHostValid(uri) ? await token(cancellationToken).ConfigureAwait(false) : string.Empty;
    }
}
