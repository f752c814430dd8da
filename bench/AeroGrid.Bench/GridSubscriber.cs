using System.Buffers;
using System.Buffers.Text;
using System.IO.Pipelines;

namespace AeroGrid.Bench;

/// <summary>
/// One client of a grid's event stream (<c>GET /grids/{name}/events</c>): reads the snapshot, then every upsert, and
/// records each upsert's delivery latency (the time its bytes were read minus the row's <c>stamp</c>, both wall clock
/// on this machine) while <see cref="Measuring"/> is set. It notes when it fell behind: a version skipped, a second
/// snapshot or a <c>reset</c>, or the stream ending before it was cancelled.
/// </summary>
/// <remarks>
/// Parses the bytes itself (a pipe, a search for the blank line that ends an event, <see cref="Utf8Parser"/> for the
/// numbers) rather than a line reader and a JSON document per event: 50 clients read 50,000 events a second on the
/// same two cores as the app and the gateway, and the measuring must not be what is slow.
/// </remarks>
internal sealed class GridSubscriber
{
    private long _version = -1;

    public Latencies Delivery { get; } = new();

    /// <summary>Set while the latencies and <see cref="Delivered"/> count; cleared between windows.</summary>
    public static volatile bool Measuring;

    public int Delivered { get; private set; }

    /// <summary>Why this client fell behind, or null.</summary>
    public string? Behind { get; private set; }

    /// <summary>Completes when the snapshot has been read.</summary>
    public TaskCompletionSource Subscribed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public async Task RunAsync(HttpClient http, Uri events, string? token, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, events);
        request.Headers.Accept.ParseAdd("text/event-stream");
        if (token is not null)
        {
            request.Headers.Authorization = new("Bearer", token);
        }
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            response.EnsureSuccessStatusCode();
            var reader = PipeReader.Create(await response.Content.ReadAsStreamAsync(cancellationToken));
            while (true)
            {
                var read = await reader.ReadAsync(cancellationToken);
                var received = (DateTime.UtcNow - DateTime.UnixEpoch).TotalMilliseconds;
                var buffer = read.Buffer;
                while (TryReadEvent(ref buffer, out var sseEvent))
                {
                    OnEvent(sseEvent.IsSingleSegment ? sseEvent.FirstSpan : sseEvent.ToArray(), received);
                }
                reader.AdvanceTo(buffer.Start, buffer.End);
                if (read.IsCompleted)
                {
                    Behind ??= "the stream ended";
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The end of the run.
        }
        finally
        {
            Subscribed.TrySetException(new InvalidOperationException($"{events}: no snapshot ({Behind ?? "cancelled"})"));
        }
    }

    private static bool TryReadEvent(ref ReadOnlySequence<byte> buffer, out ReadOnlySequence<byte> sseEvent)
    {
        var reader = new SequenceReader<byte>(buffer);
        if (!reader.TryReadTo(out sseEvent, "\n\n"u8))
        {
            return false;
        }
        buffer = buffer.Slice(reader.Position);
        return true;
    }

    private void OnEvent(ReadOnlySpan<byte> sseEvent, double received)
    {
        ReadOnlySpan<byte> type = [], data = [];
        long id = -1;
        foreach (var range in sseEvent.Split((byte)'\n'))
        {
            var line = sseEvent[range];
            if (line.StartsWith("event: "u8))
            {
                type = line[7..];
            }
            // The SDK's ids are "{epoch}-{version}": the epoch names the grid's process, the version counts its changes.
            else if (line.StartsWith("id: "u8) && !Utf8Parser.TryParse(line[4..][(line[4..].LastIndexOf((byte)'-') + 1)..], out id, out _))
            {
                throw new FormatException($"bad event id in {System.Text.Encoding.UTF8.GetString(line)}");
            }
            else if (line.StartsWith("data: "u8))
            {
                data = line[6..];
            }
        }
        var upsert = type.SequenceEqual("upsert"u8);
        if (upsert || type.SequenceEqual("delete"u8))
        {
            if (_version >= 0 && id != _version + 1)
            {
                Behind ??= $"version {_version + 1} skipped (next was {id})";
            }
            _version = id;
            if (upsert && Measuring)
            {
                Delivered++;
                Delivery.Add(TimeSpan.FromMilliseconds(received - Stamp(data)));
            }
        }
        else if (type.SequenceEqual("snapshot"u8))
        {
            if (_version >= 0)
            {
                Behind ??= "a second snapshot";
            }
            _version = id;
            Subscribed.TrySetResult();
        }
        else if (!type.IsEmpty)
        {
            Behind ??= $"event {System.Text.Encoding.UTF8.GetString(type)}";
        }
    }

    private static double Stamp(ReadOnlySpan<byte> data)
    {
        var at = data.IndexOf("\"stamp\":"u8);
        if (at < 0 || !Utf8Parser.TryParse(data[(at + 8)..], out double stamp, out _))
        {
            throw new FormatException($"no stamp in {System.Text.Encoding.UTF8.GetString(data)}");
        }
        return stamp;
    }
}
