using AeroGrid.Api.Client;
using k8s;

namespace AeroGrid.Tests.Infrastructure;

/// <summary>KubernetesClient connections to the control plane under test.</summary>
internal static class ApiClients
{
    /// <summary>
    /// An <see cref="ApiClient"/> with the platform's admin token, living as long as the test process, as a service's
    /// would. <paramref name="network"/> lets a test stand between the client and the server, <paramref name="configure"/>
    /// change KubernetesClient's settings.
    /// </summary>
    public static async Task<ApiClient> AdminApiAsync(
        this ControlPlaneFixture server, DelegatingHandler? network = null, Action<KubernetesClientConfiguration>? configure = null)
    {
        var configuration = new KubernetesClientConfiguration { Host = server.Url.ToString(), AccessToken = await server.AdminTokenAsync() };
        configure?.Invoke(configuration);
        return network is null ? ApiConnection.Connect(configuration) : ApiConnection.Connect(configuration, network);
    }
}
