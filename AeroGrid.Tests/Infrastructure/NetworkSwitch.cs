namespace AeroGrid.Tests.Infrastructure;

/// <summary>
/// Stands in for the network between a client and the real server: <see cref="Cut"/> breaks open responses
/// (watch streams) and refuses new requests until <see cref="Restore"/>. The server keeps running meanwhile,
/// which a restart of the server cannot offer.
/// </summary>
internal sealed class NetworkSwitch() : DelegatingHandler(new SocketsHttpHandler())
{
    private readonly Lock _gate = new();
    private readonly List<HttpResponseMessage> _open = [];
    private bool _cut;

    public void Cut()
    {
        lock (_gate)
        {
            _cut = true;
            foreach (var response in _open)
            {
                response.Dispose();
            }
            _open.Clear();
        }
    }

    public void Restore()
    {
        lock (_gate)
        {
            _cut = false;
        }
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ThrowIfCut();
        var response = await base.SendAsync(request, cancellationToken);
        lock (_gate)
        {
            if (!_cut)
            {
                _open.Add(response);
                return response;
            }
        }
        response.Dispose();
        ThrowIfCut();
        return response;
    }

    private void ThrowIfCut()
    {
        lock (_gate)
        {
            if (_cut)
            {
                throw new HttpRequestException("The network is cut (test).");
            }
        }
    }
}
