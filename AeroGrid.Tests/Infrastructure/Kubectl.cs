using System.Diagnostics;

namespace AeroGrid.Tests.Infrastructure;

/// <summary>kubectl, a real Kubernetes client, as one tenant: the dev issuer's kubeconfig for it, its own cache and scratch folder.</summary>
internal sealed class Kubectl : IDisposable
{
    private readonly string _kubeconfig;

    private Kubectl(string directory)
    {
        Directory = directory;
        _kubeconfig = Path.Combine(directory, "kubeconfig");
    }

    /// <summary>Where the kubeconfig, the cache and a test's manifests live; deleted on dispose.</summary>
    public string Directory { get; }

    public static async Task<Kubectl> ForTenantAsync(ControlPlaneFixture server, string tenant)
    {
        var kubectl = new Kubectl(System.IO.Directory.CreateTempSubdirectory("aerogrid-kubectl-").FullName);
        using var http = new HttpClient();
        await File.WriteAllTextAsync(kubectl._kubeconfig, await http.GetStringAsync(new Uri(server.Issuer, $"kubeconfig?tenant={tenant}")));
        return kubectl;
    }

    /// <summary>Runs kubectl to its end: the exit code and what it printed (stdout, then stderr).</summary>
    public async Task<(int ExitCode, string Output)> RunAsync(params string[] args)
    {
        using var process = Start(args);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }

    /// <summary>Starts kubectl with its output redirected, for a command that runs on, such as a watch.</summary>
    public Process Start(params string[] args)
    {
        var info = new ProcessStartInfo("kubectl") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add("--kubeconfig");
        info.ArgumentList.Add(_kubeconfig);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        info.Environment["KUBECACHEDIR"] = Path.Combine(Directory, "cache");
        return Process.Start(info)!;
    }

    /// <summary>Writes an App manifest for <c>kubectl apply -f</c> / <c>diff -f</c> into this kubectl's folder; returns its path.</summary>
    public async Task<string> WriteAppManifestAsync(string name, string code, int replicas = 1)
    {
        var path = Path.Combine(Directory, $"{name}.yaml");
        await File.WriteAllTextAsync(path, $$"""
            apiVersion: aerogrid.io/v1alpha1
            kind: App
            metadata:
              name: {{name}}
            spec:
              replicas: {{replicas}}
              files:
                - path: app.py
                  content: "{{code}}"
            """);
        return path;
    }

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
}
