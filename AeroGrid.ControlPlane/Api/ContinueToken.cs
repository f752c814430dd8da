using System.Buffers.Text;
using System.Text.Json;

namespace AeroGrid.ControlPlane.Api;

/// <summary>
/// The opaque <c>continue</c> of a paged list: the list's resourceVersion, the last key returned and the store's
/// snapshot that the next pages read, so all pages are one consistent list, as kube-apiserver serves them.
/// </summary>
/// <remarks>
/// A token whose snapshot closed (unused for its lifetime, or the server restarted), or one older than the watch
/// history, is 410 Expired, as in Kubernetes: the client starts a new list.
/// </remarks>
internal sealed record ContinueToken(long Revision, (string Namespace, string Name) After, string SnapshotId)
{
    public string Encode() =>
        Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(new[]
        {
            Revision.ToString(System.Globalization.CultureInfo.InvariantCulture), After.Namespace, After.Name, SnapshotId,
        }));

    public static ContinueToken? Parse(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }
        try
        {
            var parts = JsonSerializer.Deserialize<string[]>(Base64Url.DecodeFromChars(value));
            if (parts is [var revision, var @namespace, var name, var snapshot])
            {
                return new(long.Parse(revision, System.Globalization.CultureInfo.InvariantCulture), (@namespace, name), snapshot);
            }
        }
        catch (Exception e) when (e is FormatException or JsonException or OverflowException)
        {
            // Falls through to the error below.
        }
        throw ApiError.BadRequest("the continue token is not valid; start a new list without it");
    }
}
