using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;

namespace AeroGrid.AppHost.Auth0;

/// <summary>
/// The Auth0 Management API v2 over plain HTTP: a token by client credentials (cached until shortly before it expires),
/// JSON in and out, 429 answered by waiting as long as Auth0 says (<c>Retry-After</c>, else <c>x-ratelimit-reset</c>) a
/// bounded number of times, and every refusal turned into one <see cref="ManagementApiException"/> line.
/// </summary>
/// <remarks>
/// Auth0's own .NET SDK (Auth0.ManagementApi) is not in the package registry this project builds from, so this small
/// client stands in for it, with only the calls provisioning makes. Neither the client secret nor a token is ever part of a
/// message or a log line.
/// </remarks>
internal sealed class ManagementApiClient(HttpClient http, Uri baseAddress, string domain, ManagementApiOptions options, ILogger logger, TimeProvider time)
{
    /// <summary>How many times one request is sent while Auth0 answers 429.</summary>
    public const int MaxAttempts = 5;

    /// <summary>The longest wait for a rate limit; Auth0's windows are a second to a minute.</summary>
    private static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(60);

    private string? _token;
    private DateTimeOffset _tokenExpires;

    /// <summary>GET a path under <c>/api/v2/</c>; null when Auth0 answers 404 (the object does not exist).</summary>
    public Task<JsonNode?> GetAsync(string path, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, path, null, cancellationToken);

    public Task<JsonNode?> PostAsync(string path, JsonNode body, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, path, body, cancellationToken);

    public Task<JsonNode?> PatchAsync(string path, JsonNode body, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Patch, path, body, cancellationToken);

    public Task<JsonNode?> DeleteAsync(string path, JsonNode body, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Delete, path, body, cancellationToken);

    private async Task<JsonNode?> SendAsync(HttpMethod method, string path, JsonNode? body, CancellationToken cancellationToken)
    {
        var token = await TokenAsync(cancellationToken);
        using var response = await SendWithRetriesAsync(() =>
        {
            var request = new HttpRequestMessage(method, new Uri(baseAddress, "api/v2/" + path));
            request.Headers.Authorization = new("Bearer", token);
            request.Content = body is null ? null : JsonContent.Create(body);
            return request;
        }, $"{method} /api/v2/{path}", cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound && method == HttpMethod.Get)
        {
            return null;
        }
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new ManagementApiException($"Auth0 answered {method} /api/v2/{path} with {Refusal(response.StatusCode, text)}");
        }
        return text.Length == 0 ? null : JsonNode.Parse(text);
    }

    /// <summary>A Management API token for <c>https://{domain}/api/v2/</c>, the audience Auth0 names its Management API by.</summary>
    private async Task<string> TokenAsync(CancellationToken cancellationToken)
    {
        if (_token is not null && time.GetUtcNow() < _tokenExpires)
        {
            return _token;
        }
        using var response = await SendWithRetriesAsync(() => new HttpRequestMessage(HttpMethod.Post, new Uri(baseAddress, "oauth/token"))
        {
            Content = JsonContent.Create(new JsonObject
            {
                ["grant_type"] = "client_credentials",
                ["client_id"] = options.ClientId,
                ["client_secret"] = options.ClientSecret,
                ["audience"] = $"https://{domain}/api/v2/",
            }),
        }, "POST /oauth/token", cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new ManagementApiException(
                $"Auth0 refused the Management API credentials ({ManagementApiOptions.SectionName}:{nameof(ManagementApiOptions.ClientId)} " +
                $"'{options.ClientId}' and its secret) with {Refusal(response.StatusCode, text)}");
        }
        var answer = JsonNode.Parse(text);
        _token = (string?)answer?["access_token"] ?? throw new ManagementApiException("Auth0's token endpoint answered without an access_token");
        // A minute early, so a token never expires between being read here and being checked by Auth0.
        _tokenExpires = time.GetUtcNow().AddSeconds(((int?)answer?["expires_in"] ?? 0) - 60);
        return _token;
    }

    private async Task<HttpResponseMessage> SendWithRetriesAsync(Func<HttpRequestMessage> request, string what, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            HttpResponseMessage response;
            using (var message = request())
            {
                try
                {
                    response = await http.SendAsync(message, cancellationToken);
                }
                catch (HttpRequestException e)
                {
                    throw new ManagementApiException($"Auth0 at {baseAddress} could not be reached ({what}): {e.Message}");
                }
                catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    throw new ManagementApiException($"Auth0 at {baseAddress} did not answer {what} within {http.Timeout.TotalSeconds:0} s");
                }
            }
            if (response.StatusCode != HttpStatusCode.TooManyRequests || attempt == MaxAttempts)
            {
                return response;
            }
            var wait = RetryDelay(response, attempt);
            response.Dispose();
            Auth0Log.RateLimited(logger, what, wait.TotalSeconds, attempt, MaxAttempts);
            await Task.Delay(wait, time, cancellationToken);
        }
    }

    /// <summary>As long as Auth0 asks: <c>Retry-After</c> (seconds or a date), else until <c>x-ratelimit-reset</c> (Unix seconds), else doubling.</summary>
    private TimeSpan RetryDelay(HttpResponseMessage response, int attempt)
    {
        var now = time.GetUtcNow();
        TimeSpan? asked = response.Headers.RetryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - now,
            _ => response.Headers.TryGetValues("x-ratelimit-reset", out var values)
                && long.TryParse(values.FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out var reset)
                ? DateTimeOffset.FromUnixTimeSeconds(reset) - now
                : null,
        };
        var wait = asked ?? TimeSpan.FromSeconds(1 << (attempt - 1));
        return wait < TimeSpan.Zero ? TimeSpan.Zero : wait > MaxWait ? MaxWait : wait;
    }

    /// <summary>
    /// The status and what Auth0 said: the Management API's <c>{statusCode, error, message, errorCode}</c>, or the
    /// Authentication API's <c>{error, error_description}</c>.
    /// </summary>
    private static string Refusal(HttpStatusCode status, string body)
    {
        JsonNode? error = null;
        try
        {
            error = body.Length > 0 ? JsonNode.Parse(body) : null;
        }
        catch (System.Text.Json.JsonException)
        {
            // Not JSON (a proxy's page): the status alone says enough.
        }
        var message = error is JsonObject ? (string?)error["message"] ?? (string?)error["error_description"] : null;
        var code = error is JsonObject ? (string?)error["errorCode"] ?? (string?)error["error"] : null;
        return $"{(int)status} {status}" + (message is null ? "" : $": {message}") + (code is null ? "" : $" ({code})");
    }
}
