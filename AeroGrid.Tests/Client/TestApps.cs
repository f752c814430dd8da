using System.Net;
using System.Text.Json.Nodes;
using AeroGrid.Api.Client;
using AeroGrid.Api.Resources;
using k8s;
using k8s.Models;

namespace AeroGrid.Tests.Client;

/// <summary>Typed apps and tenants for the client tests.</summary>
internal static class TestApps
{
    public static App New(string @namespace, string name, Dictionary<string, string>? labels = null, List<string>? finalizers = null) => new()
    {
        Metadata = new() { Name = name, NamespaceProperty = @namespace, Labels = labels, Finalizers = finalizers },
        Spec = new() { Files = [new() { Path = "app.py", Content = "print('hello')" }] },
    };

    /// <summary>A fresh tenant, so a test's watch or informer sees only its own writes.</summary>
    public static async Task<string> NewTenantAsync(this ApiClient api, string prefix)
    {
        var created = await api.Kubernetes.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new() { GenerateName = prefix + "-" } }, cancellationToken: TestContext.Current.CancellationToken);
        return created.Metadata.Name!;
    }

    /// <summary>
    /// Writes to the tenant until the server's watch history has moved past <paramref name="resourceVersion"/>
    /// (on a <see cref="Infrastructure.ShortHistoryControlPlane"/>), and returns what a watch from it then throws.
    /// </summary>
    public static async Task<KubernetesException> ExpireAsync(this ApiClient api, string tenant, string resourceVersion)
    {
        var ct = TestContext.Current.CancellationToken;
        var churn = await api.Apps.CreateAsync(New(tenant, "churn"), ct);
        for (var i = 0; i < 30; i++)
        {
            var patch = new JsonObject { ["metadata"] = new JsonObject { ["labels"] = new JsonObject { ["i"] = $"v{i}" } } };
            await api.Apps.PatchAsync(tenant, churn.Metadata.Name!, patch, V1Patch.PatchType.MergePatch, cancellationToken: ct);
        }
        // Compaction runs every 200 ms; until it has, the watch just ends after its timeout.
        for (var attempt = 0; attempt < 50; attempt++)
        {
            try
            {
                await foreach (var _ in api.Apps.WatchAsync(tenant, resourceVersion, timeoutSeconds: 1, cancellationToken: ct))
                {
                }
            }
            catch (KubernetesException e) when (e.Status.Code == (int)HttpStatusCode.Gone)
            {
                return e;
            }
            await Task.Delay(100, ct);
        }
        throw new TimeoutException($"resourceVersion {resourceVersion} never expired");
    }
}
