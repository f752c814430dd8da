using AeroGrid.Tests.Infrastructure;

namespace AeroGrid.Tests.ControlPlane;

/// <summary>kubectl, a real Kubernetes client, against the local control plane.</summary>
public sealed class KubectlTests(ControlPlaneFixture server) : IClassFixture<ControlPlaneFixture>, IAsyncLifetime
{
    private Kubectl _kubectl = null!;

    public async ValueTask InitializeAsync() => _kubectl = await Kubectl.ForTenantAsync(server, "acme");

    public ValueTask DisposeAsync()
    {
        _kubectl.Dispose();
        return ValueTask.CompletedTask;
    }

    private Task<(int ExitCode, string Output)> KubectlAsync(params string[] args) => _kubectl.RunAsync(args);

    [Fact]
    public void The_control_plane_starts_on_its_HTTP_and_HTTPS_addresses_without_warnings()
    {
        var startup = server.Process.StartupOutput;

        Assert.Empty(ConsoleLog.Problems(startup));
        Assert.Contains($"Now listening on: {server.Url.ToString().TrimEnd('/')}", startup, StringComparison.Ordinal);
        Assert.Contains("Now listening on: https://127.0.0.1:", startup, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Kubectl_applies_gets_and_deletes_apps()
    {
        var (applied, applyOutput) = await KubectlAsync("apply", "-f", await _kubectl.WriteAppManifestAsync("from-kubectl", "print(1)"));
        Assert.True(applied == 0, applyOutput);
        Assert.Contains("app.aerogrid.io/from-kubectl created", applyOutput, StringComparison.Ordinal);

        var (reapplied, reapplyOutput) = await KubectlAsync("apply", "-f", await _kubectl.WriteAppManifestAsync("from-kubectl", "print(2)"));
        Assert.True(reapplied == 0, reapplyOutput);
        Assert.Contains("configured", reapplyOutput, StringComparison.Ordinal);

        var (got, table) = await KubectlAsync("get", "apps");
        Assert.True(got == 0, table);
        Assert.Contains("PHASE", table, StringComparison.Ordinal);
        Assert.Contains("from-kubectl", table, StringComparison.Ordinal);

        var (_, code) = await KubectlAsync("get", "app", "from-kubectl", "-o", "jsonpath={.spec.files[0].content}");
        Assert.Equal("print(2)", code);

        var (deleted, deleteOutput) = await KubectlAsync("delete", "app", "from-kubectl");
        Assert.True(deleted == 0, deleteOutput);
        var (missing, missingOutput) = await KubectlAsync("get", "app", "from-kubectl");
        Assert.NotEqual(0, missing);
        Assert.Contains("NotFound", missingOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Kubectl_finds_the_cluster_kinds_by_their_short_names_and_a_tenant_may_not_read_them()
    {
        foreach (var kind in new[] { "deploy", "cm", "secrets", "po", "vs" })
        {
            var (code, output) = await KubectlAsync("get", kind);

            Assert.NotEqual(0, code);
            Assert.Contains("Error from server (Forbidden)", output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Kubectl_gets_revisions_with_their_columns()
    {
        var path = Path.Combine(_kubectl.Directory, "revision.yaml");
        await File.WriteAllTextAsync(path, """
            apiVersion: aerogrid.io/v1alpha1
            kind: Revision
            metadata:
              name: listed-7
              labels:
                aerogrid.io/app: listed
                aerogrid.io/revision: "7"
            spec:
              app: listed
              revision: 7
              revisionHash: 5e2d0c1a
              image: env-3f2a
              files:
                - path: app.py
                  content: print(7)
            """);
        var (applied, applyOutput) = await KubectlAsync("apply", "-f", path);
        Assert.True(applied == 0, applyOutput);

        var (got, table) = await KubectlAsync("get", "revisions", "-l", "aerogrid.io/app=listed");
        Assert.True(got == 0, table);
        Assert.Matches(@"NAME\s+APP\s+REVISION\s+HASH\s+AGE", table);
        Assert.Matches(@"listed-7\s+listed\s+7\s+5e2d0c1a", table);
        var (_, shortName) = await KubectlAsync("get", "agrev", "listed-7", "-o", "jsonpath={.spec.files[0].content}");
        Assert.Equal("print(7)", shortName);
    }

    [Fact]
    public async Task Kubectl_watches_apps()
    {
        using var watch = _kubectl.Start("get", "apps", "--watch", "--request-timeout=20s");
        try
        {
            await Task.Delay(1000);
            var (applied, output) = await KubectlAsync("apply", "-f", await _kubectl.WriteAppManifestAsync("watched-by-kubectl", "print(3)"));
            Assert.True(applied == 0, output);

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            string? line;
            do
            {
                line = await watch.StandardOutput.ReadLineAsync(timeout.Token);
            }
            while (line is not null && !line.Contains("watched-by-kubectl", StringComparison.Ordinal));
            Assert.NotNull(line);
        }
        finally
        {
            watch.Kill();
            await watch.WaitForExitAsync();
        }
    }

    [Fact]
    public async Task Kubectl_cannot_reach_another_tenant()
    {
        var (exitCode, output) = await KubectlAsync("get", "apps", "-n", "globex");

        Assert.NotEqual(0, exitCode);
        Assert.Contains("forbidden", output, StringComparison.OrdinalIgnoreCase);
    }
}
