using System.Globalization;
using System.Text;

namespace AeroGrid.Tests.Infrastructure.Cluster;

/// <summary>
/// The output of one run of a container, stdout and stderr interleaved, one file in the CRI log format the kubelet reads
/// (<c>2026-01-01T00:00:00.000000000Z stdout F text</c>), and served as <c>/containerLogs</c> serves it.
/// </summary>
internal sealed class ContainerLog
{
    private static readonly TimeSpan FollowPoll = TimeSpan.FromMilliseconds(100);
    private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _gate = new();
    private readonly string _path;

    /// <summary>Starts the (empty) log of a new run at <paramref name="path"/>.</summary>
    public ContainerLog(string path)
    {
        _path = path;
        File.WriteAllText(path, "");
    }

    public void Write(string stream, string line)
    {
        var stamp = DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'00Z'", CultureInfo.InvariantCulture);
        lock (_gate)
        {
            File.AppendAllText(_path, $"{stamp} {stream} F {line}\n");
        }
    }

    /// <summary>No more output: the run has ended, so a follower stops at the end of the file.</summary>
    public void End() => _ended.TrySetResult();

    /// <summary>Writes the log to <paramref name="output"/>: the last <paramref name="tailLines"/> lines, then, when following, what comes until the run ends.</summary>
    public async Task CopyToAsync(Stream output, bool follow, int? tailLines, bool timestamps, CancellationToken cancellationToken)
    {
        await using var file = new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(file, Encoding.UTF8);
        var text = await reader.ReadToEndAsync(cancellationToken);
        var complete = text.LastIndexOf('\n');
        string[] lines = complete < 0 ? [] : text[..complete].Split('\n');
        await WriteAsync(output, tailLines is { } tail ? lines.TakeLast(tail) : lines, timestamps, cancellationToken);
        var pending = text[(complete + 1)..];
        while (follow)
        {
            var ended = _ended.Task.IsCompleted;
            pending += await reader.ReadToEndAsync(cancellationToken);
            var end = pending.LastIndexOf('\n');
            if (end >= 0)
            {
                await WriteAsync(output, pending[..end].Split('\n'), timestamps, cancellationToken);
                pending = pending[(end + 1)..];
            }
            if (ended)
            {
                return;
            }
            await Task.WhenAny(_ended.Task, Task.Delay(FollowPoll, cancellationToken));
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    private static async Task WriteAsync(Stream output, IEnumerable<string> lines, bool timestamps, CancellationToken cancellationToken)
    {
        var text = new StringBuilder();
        foreach (var line in lines)
        {
            // "<time> <stream> <F|P> <text>": the text is everything after the third space.
            var parts = line.Split(' ', 4);
            if (parts.Length == 4)
            {
                text.Append(timestamps ? $"{parts[0]} {parts[3]}\n" : $"{parts[3]}\n");
            }
        }
        if (text.Length > 0)
        {
            await output.WriteAsync(Encoding.UTF8.GetBytes(text.ToString()), cancellationToken);
            await output.FlushAsync(cancellationToken);
        }
    }
}
