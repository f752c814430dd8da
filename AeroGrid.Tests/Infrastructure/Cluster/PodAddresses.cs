using System.Net;
using System.Security.Cryptography;

namespace AeroGrid.Tests.Infrastructure.Cluster;

/// <summary>
/// The node's pod IPs: a /24 of 127.0.0.0/8 of its own (the node's <c>spec.podCIDR</c>), one address per pod from .2 up
/// until it goes. Linux routes all of 127.0.0.0/8 to the loopback interface, so each pod binds its own address, as it
/// would in its own network namespace.
/// </summary>
/// <remarks>
/// The range is drawn at random, as a cluster gives each node its own: test classes (and test runs) with a node each run
/// side by side on this machine, and two of them handing out 127.0.0.2 would let one pod answer for another's port.
/// </remarks>
internal sealed class PodAddresses
{
    private readonly Lock _gate = new();
    private readonly HashSet<int> _taken = [];
    private readonly byte[] _prefix = [127, (byte)RandomNumberGenerator.GetInt32(1, 255), (byte)RandomNumberGenerator.GetInt32(0, 256)];

    /// <summary>The node's pod range in CIDR notation.</summary>
    public string Cidr => $"{_prefix[0]}.{_prefix[1]}.{_prefix[2]}.0/24";

    public IPAddress Allocate()
    {
        lock (_gate)
        {
            for (var n = 2; n < 255; n++)
            {
                if (_taken.Add(n))
                {
                    return new IPAddress([.. _prefix, (byte)n]);
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
