using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace AeroGrid.Operator.Workloads.Local;

/// <summary>
/// Where app processes say they are ready: systemd's notify protocol (<c>sd_notify</c>). Each process gets the
/// socket's address in <c>NOTIFY_SOCKET</c>, and the SDK sends <c>READY=1</c> and <c>MAINPID=</c> once it listens,
/// so a rollout switches the moment the port is bound instead of on the next health poll.
/// </summary>
/// <remarks>
/// An abstract Unix socket (the <c>@</c> form of <c>NOTIFY_SOCKET</c>): no file to clean up and no path-length limit
/// from the data directory. A process that sends nothing (a plain script serving <c>$PORT</c>) is still found ready by
/// polling <c>/healthz</c>.
/// </remarks>
internal sealed class ReadinessNotifications : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
    private readonly ConcurrentDictionary<int, TaskCompletionSource> _ready = new();
    private readonly Task _receiving;

    public ReadinessNotifications()
    {
        var name = $"aerogrid-operator-{Environment.ProcessId}-{Guid.NewGuid():N}";
        _socket.Bind(new UnixDomainSocketEndPoint("\0" + name));
        Address = "@" + name;
        _receiving = Task.Run(ReceiveAsync);
    }

    /// <summary>The value of <c>NOTIFY_SOCKET</c> for app processes.</summary>
    public string Address { get; }

    /// <summary>Completes when the process with this pid reports READY=1 (also if it did before this call).</summary>
    public Task WhenReady(int pid) => Entry(pid).Task;

    /// <summary>Drops what is kept for a process that ended, so a later process with its pid starts afresh.</summary>
    public void Forget(int pid) => _ready.TryRemove(pid, out _);

    public void Dispose()
    {
        _socket.Dispose();
        _receiving.Wait(TimeSpan.FromSeconds(1));
    }

    private TaskCompletionSource Entry(int pid) =>
        _ready.GetOrAdd(pid, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    private async Task ReceiveAsync()
    {
        var buffer = new byte[4096];
        while (true)
        {
            int received;
            try
            {
                received = await _socket.ReceiveAsync(buffer, SocketFlags.None);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                return;
            }
            var fields = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var line in Encoding.UTF8.GetString(buffer, 0, received).Split('\n'))
            {
                if (line.Split('=', 2) is [var field, var value])
                {
                    fields[field] = value;
                }
            }
            if (fields.GetValueOrDefault("READY") == "1"
                && int.TryParse(fields.GetValueOrDefault("MAINPID"), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                Entry(pid).TrySetResult();
            }
        }
    }
}
