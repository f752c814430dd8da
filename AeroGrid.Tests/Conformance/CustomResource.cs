using System.Text.Json.Nodes;
using k8s;
using k8s.Models;

namespace AeroGrid.Tests.Conformance;

/// <summary>The verbs of one namespaced custom resource, on KubernetesClient's CustomObjects API with JSON bodies.</summary>
internal sealed class CustomResource(IKubernetes client, string @namespace, string plural)
{
    private ICustomObjectsOperations Api => client.CustomObjects;

    public string Namespace => @namespace;

    public async Task<JsonObject> CreateAsync(JsonObject body, string? dryRun = null, string? fieldValidation = null) =>
        KubeClients.ToJson(await Api.CreateNamespacedCustomObjectAsync(
            body, KubeClients.Group, KubeClients.Version, @namespace, plural, dryRun: dryRun, fieldValidation: fieldValidation));

    public async Task<JsonObject> GetAsync(string name) =>
        KubeClients.ToJson(await Api.GetNamespacedCustomObjectAsync(KubeClients.Group, KubeClients.Version, @namespace, plural, name));

    public async Task<JsonObject> ListAsync(string? labelSelector = null, string? fieldSelector = null, int? limit = null, string? continueToken = null) =>
        KubeClients.ToJson(await Api.ListNamespacedCustomObjectAsync(
            KubeClients.Group, KubeClients.Version, @namespace, plural,
            continueParameter: continueToken, fieldSelector: fieldSelector, labelSelector: labelSelector, limit: limit));

    public async Task<JsonObject> ReplaceAsync(string name, JsonObject body, string? fieldValidation = null) =>
        KubeClients.ToJson(await Api.ReplaceNamespacedCustomObjectAsync(
            body, KubeClients.Group, KubeClients.Version, @namespace, plural, name, fieldValidation: fieldValidation));

    public async Task<JsonObject> ReplaceStatusAsync(string name, JsonObject body) =>
        KubeClients.ToJson(await Api.ReplaceNamespacedCustomObjectStatusAsync(body, KubeClients.Group, KubeClients.Version, @namespace, plural, name));

    public async Task<JsonObject> MergePatchAsync(string name, string patch, string? fieldValidation = null, string? fieldManager = null) =>
        KubeClients.ToJson(await Api.PatchNamespacedCustomObjectAsync(
            new V1Patch(patch, V1Patch.PatchType.MergePatch), KubeClients.Group, KubeClients.Version, @namespace, plural, name,
            fieldManager: fieldManager, fieldValidation: fieldValidation));

    /// <summary>Server-side apply of a configuration (YAML or JSON); the HTTP status (201 when it created) and the object.</summary>
    public async Task<(int Code, JsonObject Object)> ApplyAsync(string name, string configuration, string? fieldManager, bool? force = null, string? dryRun = null)
    {
        using var response = await Api.PatchNamespacedCustomObjectWithHttpMessagesAsync(
            new V1Patch(configuration, V1Patch.PatchType.ApplyPatch), KubeClients.Group, KubeClients.Version, @namespace, plural, name,
            dryRun: dryRun, fieldManager: fieldManager, force: force);
        return ((int)response.Response.StatusCode, KubeClients.ToJson(response.Body));
    }

    public async Task<JsonObject> JsonPatchAsync(string name, string patch) =>
        KubeClients.ToJson(await Api.PatchNamespacedCustomObjectAsync(
            new V1Patch(patch, V1Patch.PatchType.JsonPatch), KubeClients.Group, KubeClients.Version, @namespace, plural, name));

    /// <summary>Deletes; the HTTP status (200 gone, 202 held by finalizers) and the object answered.</summary>
    public async Task<(int Code, JsonObject Object)> DeleteAsync(string name)
    {
        using var response = await Api.DeleteNamespacedCustomObjectWithHttpMessagesAsync(
            KubeClients.Group, KubeClients.Version, @namespace, plural, name);
        return ((int)response.Response.StatusCode, KubeClients.ToJson(response.Body));
    }

    /// <summary>Opens a watch through KubernetesClient's watcher; events and errors arrive in order.</summary>
    public KubeWatch Watch(string? resourceVersion, string? labelSelector = null, bool bookmarks = false) =>
        KubeWatch.Start((onError, cancellationToken) => Api.WatchListNamespacedCustomObjectAsync(
            KubeClients.Group, KubeClients.Version, @namespace, plural,
            allowWatchBookmarks: bookmarks, labelSelector: labelSelector, resourceVersion: resourceVersion, timeoutSeconds: 60,
            onError: onError, cancellationToken: cancellationToken));
}
