using System.Text.Json.Nodes;
using AeroGrid.Tests.ControlPlane;
using AeroGrid.Tests.Infrastructure;

namespace AeroGrid.Tests.Conformance;

/// <summary>The kubectl commands beyond get/apply/delete that read more of the API: wait, watch-only, diff and explain.</summary>
public sealed class KubectlConformanceTests(ControlPlaneFixture server) : IClassFixture<ControlPlaneFixture>, IAsyncLifetime
{
    private const string Tenant = "acme";
    private Kubectl _kubectl = null!;

    public async ValueTask InitializeAsync() => _kubectl = await Kubectl.ForTenantAsync(server, Tenant);

    public ValueTask DisposeAsync()
    {
        _kubectl.Dispose();
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task Kubectl_wait_returns_when_the_Ready_condition_turns_True()
    {
        var apps = (await KubeClients.ForTenantAsync(server, Tenant)).Resource(Tenant);
        var created = await apps.CreateAsync(Apps.Manifest("awaited"));
        var wait = _kubectl.RunAsync("wait", "--for=condition=Ready", "app/awaited", "--timeout=20s");

        await Task.Delay(500);
        created["status"] = new JsonObject
        {
            ["phase"] = "Running",
            ["conditions"] = new JsonArray(new JsonObject
            {
                ["type"] = "Ready",
                ["status"] = "True",
                ["reason"] = "Serving",
                ["message"] = "revision 1 serves",
                ["lastTransitionTime"] = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture),
            }),
        };
        await apps.ReplaceStatusAsync("awaited", created);

        var (exitCode, output) = await wait;
        Assert.True(exitCode == 0, output);
        Assert.Contains("app.aerogrid.io/awaited condition met", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Kubectl_get_watch_only_prints_changes_and_not_the_current_objects()
    {
        var (applied, applyOutput) = await _kubectl.RunAsync("apply", "-f", await _kubectl.WriteAppManifestAsync("before-watch", "print(1)", 1));
        Assert.True(applied == 0, applyOutput);
        using var watch = _kubectl.Start("get", "apps", "--watch-only", "--request-timeout=20s");
        try
        {
            await Task.Delay(1500);
            var (created, output) = await _kubectl.RunAsync("apply", "-f", await _kubectl.WriteAppManifestAsync("during-watch", "print(1)", 1));
            Assert.True(created == 0, output);

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            var lines = new List<string>();
            string? line;
            do
            {
                line = await watch.StandardOutput.ReadLineAsync(timeout.Token);
                lines.Add(line ?? "");
            }
            while (line is not null && !line.Contains("during-watch", StringComparison.Ordinal));
            Assert.NotNull(line);
            Assert.DoesNotContain(lines, l => l.Contains("before-watch", StringComparison.Ordinal));
        }
        finally
        {
            watch.Kill();
            await watch.WaitForExitAsync();
        }
    }

    [Fact]
    public async Task Kubectl_diff_shows_the_change_and_stores_nothing()
    {
        var (applied, applyOutput) = await _kubectl.RunAsync("apply", "-f", await _kubectl.WriteAppManifestAsync("diffed", "print(1)", 1));
        Assert.True(applied == 0, applyOutput);
        var stored = await _kubectl.RunAsync("get", "app", "diffed", "-o", "jsonpath={.metadata.resourceVersion}");

        var (same, sameOutput) = await _kubectl.RunAsync("diff", "-f", await _kubectl.WriteAppManifestAsync("diffed", "print(1)", 1));
        var (changed, diff) = await _kubectl.RunAsync("diff", "-f", await _kubectl.WriteAppManifestAsync("diffed", "print(1)", 3));

        Assert.True(same == 0, sameOutput);
        // kubectl diff exits 1 when there are differences.
        Assert.True(changed == 1, diff);
        Assert.Contains("-  replicas: 1", diff, StringComparison.Ordinal);
        Assert.Contains("+  replicas: 3", diff, StringComparison.Ordinal);
        Assert.Equal(stored, await _kubectl.RunAsync("get", "app", "diffed", "-o", "jsonpath={.metadata.resourceVersion}"));
    }

    [Fact]
    public async Task Kubectl_explain_describes_apps_and_their_fields()
    {
        var (exitCode, output) = await _kubectl.RunAsync("explain", "apps");
        Assert.True(exitCode == 0, output);
        Assert.Contains("KIND:", output, StringComparison.Ordinal);
        Assert.Contains("App", output, StringComparison.Ordinal);
        Assert.Contains("spec", output, StringComparison.Ordinal);

        var (fieldExit, field) = await _kubectl.RunAsync("explain", "apps.spec.replicas");
        Assert.True(fieldExit == 0, field);
        Assert.Contains("replicas", field, StringComparison.Ordinal);
    }
}
