using System.Diagnostics;
using System.Net.Sockets;

namespace AeroGrid.Bench;

/// <summary>
/// nginx as a plain reverse proxy in front of one upstream, the yardstick for the gateway: its own prefix and config in a
/// temporary directory, in the foreground (<c>daemon off</c>), on a loopback port, stopped with the benchmark.
/// </summary>
internal sealed class Nginx : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _prefix;

    private Nginx(Process process, string prefix)
    {
        _process = process;
        _prefix = prefix;
    }

    public static async Task<Nginx> StartAsync(string binary, int port, string upstream)
    {
        var prefix = Directory.CreateTempSubdirectory("aerogrid-bench-nginx-").FullName;
        var upstreamAuthority = new Uri(upstream).Authority;
        // Keep-alive to the upstream, as YARP keeps its connections: without it nginx would measure TCP handshakes.
        var config = $$"""
            daemon off;
            worker_processes auto;
            pid {{prefix}}/nginx.pid;
            error_log {{prefix}}/error.log warn;
            events { worker_connections 1024; }
            http {
                access_log off;
                client_body_temp_path {{prefix}}/client_body;
                proxy_temp_path {{prefix}}/proxy;
                fastcgi_temp_path {{prefix}}/fastcgi;
                uwsgi_temp_path {{prefix}}/uwsgi;
                scgi_temp_path {{prefix}}/scgi;
                upstream app { server {{upstreamAuthority}}; keepalive 64; }
                server {
                    listen 127.0.0.1:{{port}};
                    location / {
                        proxy_pass http://app;
                        proxy_http_version 1.1;
                        proxy_set_header Connection "";
                    }
                }
            }
            """;
        var configFile = Path.Combine(prefix, "nginx.conf");
        await File.WriteAllTextAsync(configFile, config);
        var info = new ProcessStartInfo(binary) { RedirectStandardError = true };
        foreach (var arg in new[] { "-p", prefix, "-c", configFile })
        {
            info.ArgumentList.Add(arg);
        }
        var nginx = new Nginx(Process.Start(info)!, prefix);
        await nginx.WaitListeningAsync(port);
        return nginx;
    }

    /// <summary>CPU seconds used so far by the master and its workers (the workers do the proxying).</summary>
    public double CpuSeconds() =>
        PlatformProcess.CpuSeconds(_process.Id) + PlatformProcess.ChildrenOf(_process.Id).Sum(PlatformProcess.CpuSeconds);

    public async ValueTask DisposeAsync()
    {
        // The whole tree: the workers are the master's children, and none may outlive the benchmark.
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
        Directory.Delete(_prefix, recursive: true);
    }

    private async Task WaitListeningAsync(int port)
    {
        for (var i = 0; i < 100; i++)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"nginx exited with {_process.ExitCode}: {await _process.StandardError.ReadToEndAsync()}");
            }
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }
        throw new TimeoutException("nginx did not start listening");
    }
}
