using System.Net;

namespace AeroGrid.Tests.Infrastructure.Cluster;

/// <summary>
/// The node's pod IPs: 127.0.0.N from N = 2 up, one per pod until it goes. Linux routes all of 127.0.0.0/8 to the loopback
/// interface, so each pod binds its own address, as it would in its own network namespace.
/// </summary>
internal sealed class PodAddresses
{
    private readonly Lock _gate = new();
    private readonly HashSet<int> _taken = [];

    public IPAddress Allocate()
    {
        lock (_gate)
        {
            for (var n = 2; n < 255; n++)
            {
                if (_taken.Add(n))
                {
                    return new IPAddress([127, 0, 0, (byte)n]);
                }
            }
        }
        throw new InvalidOperationException("the node has no free pod address left");
    }

    public void Free(IPAddress address)
    {
        lock (_gate)
        {
            _taken.Remove(address.GetAddressBytes()[3]);
        }
    }
}
