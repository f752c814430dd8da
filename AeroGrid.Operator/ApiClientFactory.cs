using AeroGrid.Api.Client;
using k8s;
using Microsoft.Extensions.Options;

namespace AeroGrid.Operator;

/// <summary>
/// The Operator's connection to the API through KubernetesClient: in a pod its service account, else a kubeconfig
/// (<c>Operator:Kubeconfig</c>), else the platform (admin) identity from a client-credentials token endpoint.
/// </summary>
internal static class ApiClientFactory
{
    public static ApiClient Create(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<OperatorOptions>>().Value;
        var tokens = options.TokenEndpoint is null ? null : new ClientCredentialsTokenProvider(
            new HttpClient { Timeout = TimeSpan.FromSeconds(30) }, options.TokenEndpoint, TokenParameters(options));
        if (tokens is null && options.Kubeconfig.Length == 0 && !KubernetesClientConfiguration.IsInCluster())
        {
            throw new InvalidOperationException("Operator:TokenEndpoint or Operator:Kubeconfig must be set: the Operator needs an identity for the API.");
        }
        return ApiConnection.Connect(ApiConnection.Configure(options.ApiServer, tokens, options.Kubeconfig));
    }

    private static Dictionary<string, string> TokenParameters(OperatorOptions options)
    {
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
        return parameters;
    }
}
