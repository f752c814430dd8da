using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace AeroGrid.Api.Serialization;

/// <summary>Times as Kubernetes writes them: RFC 3339 in UTC with whole seconds, e.g. <c>2026-11-21T22:33:32Z</c>.</summary>
internal sealed class Rfc3339TimeConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        DateTimeOffset.Parse(reader.GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
}
