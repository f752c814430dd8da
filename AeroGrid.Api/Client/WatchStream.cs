using System.Runtime.CompilerServices;
using System.Text.Json;
using AeroGrid.Api.Meta;
using AeroGrid.Api.Serialization;

namespace AeroGrid.Api.Client;

/// <summary>Reads a watch response: one JSON event per line.</summary>
internal static class WatchStream
{
    public static async IAsyncEnumerable<WatchEvent<T>> ReadAsync<T>(Stream stream, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(stream);
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }
            yield return Parse<T>(line);
        }
    }

    /// <summary>One event; an ERROR event's object is a Status, not a <typeparamref name="T"/>, so it is thrown.</summary>
    internal static WatchEvent<T> Parse<T>(string line)
    {
        var raw = JsonSerializer.Deserialize<WatchEvent<JsonElement>>(line, ApiJson.Options)
            ?? throw new JsonException("a watch event is null");
        if (raw.Type == WatchEventType.Error)
        {
            var status = raw.Object.ValueKind == JsonValueKind.Object ? ApiErrors.TryParseStatus(raw.Object.GetRawText()) : null;
            throw new ApiException(status ?? new Status { Outcome = "Failure", Code = 500, Reason = "InternalError", Message = $"watch error: {line}" });
        }
        return new WatchEvent<T> { Type = raw.Type, Object = raw.Object.Deserialize<T>(ApiJson.Options) };
    }
}
