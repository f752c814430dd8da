namespace AeroGrid.Operator.Logs;

/// <summary>
/// A log file read as a stream: from its start or its last lines, and, while its writer may still append, on to
/// what is appended, as <c>tail -f</c>; the stream ends at the end of a file that is complete, or when the reader leaves.
/// </summary>
internal sealed class FollowedFile : Stream
{
    private static readonly TimeSpan FollowInterval = TimeSpan.FromMilliseconds(200);

    private readonly FileStream _file;
    private readonly Func<bool>? _writing;

    /// <param name="writing">While true the file may still grow; null reads to the current end only.</param>
    public FollowedFile(string path, int? tailLines, Func<bool>? writing)
    {
        _file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        _writing = writing;
        if (tailLines is { } lines)
        {
            _file.Seek(TailOffset(_file, lines), SeekOrigin.Begin);
        }
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            // Asked before reading: when the writer had stopped, what it wrote is all in the file, and read below.
            var more = _writing?.Invoke() == true;
            var read = await _file.ReadAsync(buffer, cancellationToken);
            if (read > 0 || !more)
            {
                return read;
            }
            await Task.Delay(FollowInterval, cancellationToken);
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count).GetAwaiter().GetResult();

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
            _file.Dispose();
        }
        base.Dispose(disposing);
    }

    /// <summary>Where the last <paramref name="lines"/> lines start, looking back at most 1 MiB.</summary>
    private static long TailOffset(FileStream file, int lines)
    {
        var start = Math.Max(0, file.Length - 1024 * 1024);
        file.Seek(start, SeekOrigin.Begin);
        var bytes = new byte[file.Length - start];
        file.ReadExactly(bytes);
        var newlines = 0;
        for (var i = bytes.Length - 2; i >= 0; i--)
        {
            if (bytes[i] == (byte)'\n' && ++newlines == lines)
            {
                return start + i + 1;
            }
        }
        return start;
    }
}
