using System.Buffers.Text;
using System.Text.Json;

namespace AeroGrid.ControlPlane.Api;

/// <summary>The opaque <c>continue</c> of a paged list: the list's resourceVersion and the last key returned.</summary>
/// <remarks>
/// Later pages read the current objects after that key, not a snapshot at the first page's version (SQLite keeps no
/// old versions); all pages report the first page's version, so a watch from it delivers what changed meanwhile.
/// A token older than the watch history is 410 Expired, as in Kubernetes.
/// </remarks>
internal sealed record ContinueToken(long Revision, (string Namespace, string Name) After)
{
    public string Encode() =>
        Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(new[] { Revision.ToString(System.Globalization.CultureInfo.InvariantCulture), After.Namespace, After.Name }));

    public static ContinueToken? Parse(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }
        try
        {
            var parts = JsonSerializer.Deserialize<string[]>(Base64Url.DecodeFromChars(value));
            if (parts is [var revision, var @namespace, var name])
            {
                return new(long.Parse(revision, System.Globalization.CultureInfo.InvariantCulture), (@namespace, name));
            }
        }
        catch (Exception e) when (e is FormatException or JsonException or OverflowException)
        {
            // Falls through to the error below.
        }
        throw ApiError.BadRequest("the continue token is not valid; start a new list without it");
    }
}
