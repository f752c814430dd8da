using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using AeroGrid.Api.Client;
using AeroGrid.Tests.Infrastructure;
using k8s;
using k8s.Autorest;

namespace AeroGrid.Tests.Conformance;

/// <summary>
/// The official KubernetesClient pointed at a test control plane: the only way the conformance suite talks to it
/// (besides kubectl), with JSON bodies and the generic CustomObjects API, never our own client or types.
/// Only <see cref="AbandonedWatchHandler"/> stands in its pipeline, as in every AeroGrid component: without it a
/// request sent after a given-up watch can go unanswered, a fault of the client and not of the server under test.
/// </summary>
internal static class KubeClients
{
    public const string Group = "aerogrid.io";
    public const string Version = "v1alpha1";
    public const string ApiVersion = $"{Group}/{Version}";

    public static async Task<Kubernetes> ForTenantAsync(ControlPlaneFixture server, string tenant) => Connect(server, await server.TokenAsync(tenant));

    public static async Task<Kubernetes> ForAdminAsync(ControlPlaneFixture server) => Connect(server, await server.AdminTokenAsync());

    private static Kubernetes Connect(ControlPlaneFixture server, string token) =>
        new(new KubernetesClientConfiguration { Host = server.Url.ToString(), AccessToken = token }, new AbandonedWatchHandler());

    /// <summary>The objects of one resource in one namespace, through <see cref="ICustomObjectsOperations"/>.</summary>
    public static CustomResource Resource(this IKubernetes client, string @namespace, string plural = "apps") => new(client, @namespace, plural);

    /// <summary>What a KubernetesClient call returns (a <see cref="JsonElement"/>), as a JSON object to read.</summary>
    public static JsonObject ToJson(object response) => JsonNode.Parse(((JsonElement)response).GetRawText())!.AsObject();

    /// <summary>
    /// Runs a call that must fail; the HTTP status and the Status body the server answered with, as KubernetesClient
    /// surfaces them (<see cref="HttpOperationException"/>).
    /// </summary>
    public static async Task<(HttpStatusCode Code, JsonObject Status)> FailureAsync(Func<Task> call)
    {
        var failure = await Assert.ThrowsAsync<HttpOperationException>(call);
        return (failure.Response.StatusCode, JsonNode.Parse(failure.Response.Content)!.AsObject());
    }

    /// <summary>Creates a namespace (a tenant) for a test that needs one of its own, e.g. to list exactly its objects.</summary>
    public static async Task<string> NamespaceAsync(ControlPlaneFixture server, string prefix)
    {
        using var admin = await ForAdminAsync(server);
        var name = $"{prefix}-{Guid.NewGuid():N}"[..20];
        await admin.CoreV1.CreateNamespaceAsync(new k8s.Models.V1Namespace { Metadata = new() { Name = name } });
        return name;
    }
}
