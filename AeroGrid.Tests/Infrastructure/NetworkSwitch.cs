namespace AeroGrid.Tests.Infrastructure;

/// <summary>
/// Stands in for the network between a client and the real server: <see cref="Cut"/> breaks open responses
/// (watch streams) and refuses new requests until <see cref="Restore"/>. The server keeps running meanwhile,
/// which a restart of the server cannot offer.
/// </summary>
/// <remarks>
/// A cut cancels the reads in progress, which aborts their connections, as a broken network does. Disposing the
/// responses instead would let the handler drain the rest of a response for connection reuse while the client's
/// read is still pending, so bytes the server sent before the cut could vanish from the middle of a stream.
/// </remarks>
internal sealed class NetworkSwitch : DelegatingHandler
{
    private readonly Lock _gate = new();
    private CancellationTokenSource _connections = new();
    private bool _cut;

    public void Cut()
    {
        lock (_gate)
        {
            _cut = true;
            // Not disposed: streams opened before the cut still hold its token.
            _connections.Cancel();
            _connections = new CancellationTokenSource();
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
        CancellationToken cut;
        lock (_gate)
        {
            if (_cut)
            {
                throw Broken();
            }
            cut = _connections.Token;
        }
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, cut);
        try
        {
            var response = await base.SendAsync(request, linked.Token);
            var content = new StreamContent(new CuttableStream(await response.Content.ReadAsStreamAsync(linked.Token), cut));
            foreach (var header in response.Content.Headers)
            {
                content.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
            response.Content = content;
            return response;
        }
        catch (OperationCanceledException) when (cut.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw Broken();
        }
    }

    private static HttpRequestException Broken() => new("The network is cut (test).");

    /// <summary>A response body whose reads fail, and abort the connection, once the network is cut.</summary>
    private sealed class CuttableStream(Stream inner, CancellationToken cut) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, cut);
            try
            {
                return await inner.ReadAsync(buffer, linked.Token);
            }
            catch (OperationCanceledException) when (cut.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                throw new IOException("The network is cut (test).");
            }
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count, CancellationToken.None).GetAwaiter().GetResult();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
