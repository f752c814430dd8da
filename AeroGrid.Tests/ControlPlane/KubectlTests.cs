using System.Diagnostics;
using AeroGrid.Tests.Infrastructure;

namespace AeroGrid.Tests.ControlPlane;

/// <summary>kubectl, a real Kubernetes client, against the local control plane.</summary>
public sealed class KubectlTests(ControlPlaneFixture server) : IClassFixture<ControlPlaneFixture>, IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("aerogrid-kubectl-").FullName;
    private string _kubeconfig = "";

    public async ValueTask InitializeAsync()
    {
        using var http = new HttpClient();
        _kubeconfig = Path.Combine(_directory, "kubeconfig");
        await File.WriteAllTextAsync(_kubeconfig, await http.GetStringAsync(new Uri(server.Issuer, "kubeconfig?tenant=acme")));
    }

    public ValueTask DisposeAsync()
    {
        Directory.Delete(_directory, recursive: true);
        return ValueTask.CompletedTask;
    }

    private async Task<(int ExitCode, string Output)> KubectlAsync(params string[] args)
    {
        var info = new ProcessStartInfo("kubectl") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add("--kubeconfig");
        info.ArgumentList.Add(_kubeconfig);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        info.Environment["KUBECACHEDIR"] = Path.Combine(_directory, "cache");
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }

    private async Task<string> ManifestAsync(string name, string code)
    {
        var path = Path.Combine(_directory, $"{name}.yaml");
        await File.WriteAllTextAsync(path, $$"""
            apiVersion: aerogrid.io/v1alpha1
            kind: App
            metadata:
              name: {{name}}
            spec:
              files:
                - path: app.py
                  content: "{{code}}"
            """);
        return path;
    }

    [Fact]
    public async Task Kubectl_applies_gets_and_deletes_apps()
    {
        var (applied, applyOutput) = await KubectlAsync("apply", "-f", await ManifestAsync("from-kubectl", "print(1)"));
        Assert.True(applied == 0, applyOutput);
        Assert.Contains("app.aerogrid.io/from-kubectl created", applyOutput, StringComparison.Ordinal);

        var (reapplied, reapplyOutput) = await KubectlAsync("apply", "-f", await ManifestAsync("from-kubectl", "print(2)"));
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
    public async Task Kubectl_watches_apps()
    {
        var info = new ProcessStartInfo("kubectl") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "--kubeconfig", _kubeconfig, "get", "apps", "--watch", "--request-timeout=20s" })
        {
            info.ArgumentList.Add(arg);
        }
        info.Environment["KUBECACHEDIR"] = Path.Combine(_directory, "cache");
        using var watch = Process.Start(info)!;
        try
        {
            await Task.Delay(1000);
            var (applied, output) = await KubectlAsync("apply", "-f", await ManifestAsync("watched-by-kubectl", "print(3)"));
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
