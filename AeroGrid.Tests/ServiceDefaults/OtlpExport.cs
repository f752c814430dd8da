namespace AeroGrid.Tests.ServiceDefaults;

/// <summary>One OTLP/HTTP request as the collector double received it.</summary>
/// <param name="Signal"><c>traces</c>, <c>metrics</c> or <c>logs</c>, from the request path.</param>
public sealed record OtlpExport(string Signal, string? ContentType, byte[] Body)
{
    /// <summary>
    /// Whether the protobuf body holds these bytes: a trace id is 16 raw bytes and strings are UTF-8,
    /// so no protobuf decoder is needed to find them.
    /// </summary>
    public bool Contains(ReadOnlySpan<byte> bytes) => Body.AsSpan().IndexOf(bytes) >= 0;
}
