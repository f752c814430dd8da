using System.Net;
using System.Net.Sockets;

namespace AeroGrid.Tests.Infrastructure;

/// <summary>
/// A test double for a network path that dies silently, as a NAT table or a load balancer that forgets a connection:
/// a TCP relay to the server whose <see cref="Freeze"/> stops relaying on every open connection while keeping it
/// open, so neither end sees a close or an error. Connections made afterwards relay normally.
/// </summary>
internal sealed class SilentProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Uri _upstream;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<(TcpClient Client, TcpClient Server, TaskCompletionSource Frozen)> _connections = [];
    private readonly Lock _gate = new();
    private readonly Task _accepting;

    public SilentProxy(Uri upstream)
    {
        _upstream = upstream;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public Uri Url => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}");

    /// <summary>From now on nothing moves on the connections open now, in either direction; they stay open.</summary>
    public void Freeze()
    {
        lock (_gate)
        {
            foreach (var connection in _connections)
            {
                connection.Frozen.TrySetResult();
            }
        }
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                var server = new TcpClient();
                await server.ConnectAsync(_upstream.Host, _upstream.Port, _stop.Token);
                var frozen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                lock (_gate)
                {
                    _connections.Add((client, server, frozen));
                }
                _ = RelayAsync(client.GetStream(), server.GetStream(), frozen.Task);
                _ = RelayAsync(server.GetStream(), client.GetStream(), frozen.Task);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Disposed.
        }
    }

    private async Task RelayAsync(NetworkStream from, NetworkStream to, Task frozen)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (!frozen.IsCompleted)
            {
                var read = from.ReadAsync(buffer, _stop.Token).AsTask();
                if (await Task.WhenAny(read, frozen) == frozen)
                {
                    break;
                }
                var count = await read;
                if (count == 0)
                {
                    to.Socket.Shutdown(SocketShutdown.Send);
                    return;
                }
                await to.WriteAsync(buffer.AsMemory(0, count), _stop.Token);
            }
            // Frozen: hold the connection open and relay nothing until the proxy goes.
            await Task.Delay(Timeout.Infinite, _stop.Token);
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // Closed by either end, or disposed.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        lock (_gate)
        {
            foreach (var (client, server, _) in _connections)
            {
                client.Dispose();
                server.Dispose();
            }
        }
        _stop.Dispose();
    }
}
