using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using AeroGrid.Tests.Infrastructure;

namespace AeroGrid.Tests.ControlPlane;

/// <summary>No acknowledged write is lost when the server dies with SIGKILL in the middle of writing.</summary>
public sealed class DurabilityTests(ControlPlaneFixture server) : IClassFixture<ControlPlaneFixture>
{
    [Fact]
    public async Task Every_acknowledged_write_survives_a_SIGKILL()
    {
        var token = await server.TokenAsync("acme");
        var acknowledged = new ConcurrentDictionary<string, string>();
        using var stopWriting = new CancellationTokenSource();

        async Task WriteAsync(int writer)
        {
            using var http = server.Client(token);
            for (var i = 0; !stopWriting.IsCancellationRequested; i++)
            {
                var name = $"durable-{writer}-{i}";
                try
                {
                    var (created, _) = await http.PostJsonAsync(Apps.Collection("acme"), Apps.Manifest(name));
                    if (created != HttpStatusCode.Created)
                    {
                        return;
                    }
                    acknowledged[name] = "";
                    var (patched, body) = await http.MergePatchAsync(Apps.Item("acme", name),
                        new JsonObject { ["metadata"] = new JsonObject { ["labels"] = new JsonObject { ["acked"] = "yes" } } });
                    if (patched != HttpStatusCode.OK)
                    {
                        return;
                    }
                    acknowledged[name] = body.Str("metadata.resourceVersion")!;
                }
                catch (HttpRequestException)
                {
                    return; // The server is gone: this write was not acknowledged.
                }
            }
        }

        var writers = Enumerable.Range(0, 4).Select(WriteAsync).ToList();
        while (acknowledged.Count < 50)
        {
            await Task.Delay(20);
        }
        await server.CrashAndRestartAsync();
        await stopWriting.CancelAsync();
        await Task.WhenAll(writers);

        using var http = server.Client(token);
        var (_, list) = await http.GetJsonAsync(Apps.Collection("acme"));
        var stored = list["items"]!.AsArray().ToDictionary(item => item.Str("metadata.name")!, item => item!);
        foreach (var (name, patchedVersion) in acknowledged)
        {
            Assert.True(stored.TryGetValue(name, out var item), $"{name} was acknowledged but is gone after the crash");
            if (patchedVersion.Length > 0)
            {
                Assert.Equal("yes", item.Str("metadata.labels.acked"));
            }
        }
        Assert.True(acknowledged.Count >= 50);
    }

    [Fact]
    public async Task After_a_restart_a_tenant_being_deleted_still_refuses_new_apps_and_the_others_accept_them()
    {
        using var admin = server.Client(await server.AdminTokenAsync());
        await admin.PostJsonAsync("/api/v1/namespaces", JsonNode.Parse("""{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"closing"}}""")!);
        var held = Apps.Manifest("held");
        held["metadata"]!["finalizers"] = new JsonArray("aerogrid.io/cleanup");
        await admin.PostJsonAsync(Apps.Collection("closing"), held);
        Assert.Equal(HttpStatusCode.Accepted, (await admin.DeleteJsonAsync("/api/v1/namespaces/closing")).Status);

        await server.CrashAndRestartAsync();

        using var again = server.Client(await server.AdminTokenAsync());
        var (refused, status) = await again.PostJsonAsync(Apps.Collection("closing"), Apps.Manifest("late"));
        Assert.Equal(HttpStatusCode.Forbidden, refused);
        Assert.Contains("because it is being terminated", status.Str("message"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Created, (await again.PostJsonAsync(Apps.Collection("acme"), Apps.Manifest("after-restart"))).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await again.PostJsonAsync(Apps.Collection("nowhere"), Apps.Manifest("lost"))).Status);
    }
}
