using System.Net.Http.Headers;
using AeroGrid.Portal.Sessions;

namespace AeroGrid.Portal.Bff;

/// <summary>
/// The Portal's way to a person's app: through the gateway with the person's token, as any other client of the app.
/// A gateway that cannot be reached is a 502, one that does not answer in time a 504, both as a Status.
/// </summary>
internal sealed class AppGateway(IHttpClientFactory clients)
{
    public const string HttpClientName = "gateway";

    /// <summary>
    /// Sends <paramref name="request"/> as the person of <paramref name="session"/> and answers with what
    /// <paramref name="answer"/> makes of the response. Only the headers are awaited: the client's timeout covers the
    /// wait for an answer, not a stream that goes on. The request is disposed once answered.
    /// </summary>
    public async Task<IResult> SendAsync(
        HttpRequestMessage request, Session session, string app, Func<HttpResponseMessage, Task<IResult>> answer, CancellationToken cancellationToken)
    {
        using var sending = request;
        sending.Headers.Authorization = new AuthenticationHeaderValue("Bearer", session.AccessToken);
        try
        {
            using var response = await clients.CreateClient(HttpClientName).SendAsync(sending, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            return await answer(response);
        }
        catch (HttpRequestException e)
        {
            return BffResults.Status(502, "BadGateway", $"The gateway cannot be reached right now ({e.Message}). Try again in a moment.");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return BffResults.Status(504, "Timeout", $"{app} did not answer in time.");
        }
    }
}
