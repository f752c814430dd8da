using AeroGrid.Api.Client;
using Microsoft.Extensions.Options;

namespace AeroGrid.Operator;

/// <summary>The Operator's API client, authenticated as the platform (admin) identity.</summary>
internal static class ApiClientFactory
{
    public static ApiClient Create(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<OperatorOptions>>().Value;
        var http = new HttpClient { BaseAddress = options.ApiServer, Timeout = TimeSpan.FromSeconds(30) };
        if (options.TokenFile.Length > 0)
        {
            return new ApiClient(http, ApiClient.TokenFromFile(options.TokenFile));
        }
        if (options.TokenEndpoint is null)
        {
            throw new InvalidOperationException("Operator:TokenEndpoint or Operator:TokenFile must be set: the Operator needs an identity for the API.");
        }
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["audience"] = options.Audience,
            ["permissions"] = "platform:admin",
            ["subject"] = "aerogrid-operator",
        };
        if (options.ClientId.Length > 0)
        {
            parameters["client_id"] = options.ClientId;
            parameters["client_secret"] = options.ClientSecret;
        }
        var tokens = new ClientCredentialsTokenSource(new HttpClient { Timeout = TimeSpan.FromSeconds(30) }, options.TokenEndpoint, parameters);
        return new ApiClient(http, tokens.GetTokenAsync);
    }
}
