namespace AeroGrid.Api.Client;

/// <summary>
/// Closes the connection of a watch that is given up while a read of it is pending, so that connection never carries
/// another request.
/// </summary>
/// <remarks>
/// KubernetesClient's watch enumerator, when cancelled, stops waiting for its pending read but leaves the read running,
/// and disposes the response under it. SocketsHttpHandler then drains the response to reuse the connection while the
/// abandoned read still reads from it, so the connection can go back to the pool with that reader attached: the next
/// request sent on it loses its answer and waits until its timeout. That was 2 in 300 requests sent right after a watch
/// that ended with 410 Gone, and the cause of 100 s stalls in the test suite. Here every read of a watch response is
/// cancelled when the response is disposed, and a cancelled read makes SocketsHttpHandler close the connection.
/// </remarks>
internal sealed class AbandonedWatchHandler : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (!IsWatch(request.RequestUri))
        {
            return response;
        }
        var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        var content = new StreamContent(new AbandonableStream(body));
        foreach (var header in response.Content.Headers)
        {
            content.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }
        response.Content = content;
        return response;
    }

    private static bool IsWatch(Uri? uri) =>
        uri?.Query.TrimStart('?').Split('&').Contains("watch=true", StringComparer.OrdinalIgnoreCase) == true;

    /// <summary>A response body whose pending reads are cancelled when it is disposed.</summary>
    private sealed class AbandonableStream(Stream inner) : Stream
    {
        private readonly CancellationTokenSource _disposed = new();

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _disposed.Token);
            return await inner.ReadAsync(buffer, linked.Token).ConfigureAwait(false);
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing && !_disposed.IsCancellationRequested)
            {
                _disposed.Cancel();
                inner.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
