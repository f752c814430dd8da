using System.Text.Json;
using System.Text.Json.Nodes;
using AeroGrid.Api.Client;
using AeroGrid.Api.Meta;
using AeroGrid.Api.Serialization;
using k8s.Models;

namespace AeroGrid.Operator.Controllers;

/// <summary>Writes a whole status through the status subresource.</summary>
/// <remarks>
/// A JSON patch that adds <c>/status</c> replaces it whole without a resourceVersion precondition: the
/// controller owns status, and a user's concurrent spec edit must not make the status write fail.
/// The server skips writes that change nothing, so writing the same status again costs no event.
/// </remarks>
internal static class StatusWriter
{
    public static Task WriteAsync<T, TStatus>(ResourceClient<T> client, T obj, TStatus status, CancellationToken cancellationToken)
        where T : KubernetesObject =>
        client.PatchAsync(obj.Metadata.NamespaceProperty, obj.Metadata.Name!,
            new JsonArray(new JsonObject
            {
                ["op"] = "add",
                ["path"] = "/status",
                ["value"] = JsonSerializer.SerializeToNode(status, ApiJson.Options),
            }),
            V1Patch.PatchType.JsonPatch, status: true, cancellationToken);
}
