using System.Text.Json.Serialization;

namespace AeroGrid.Client.SignIn;

/// <summary>A token endpoint's answer (RFC 6749, section 5.1).</summary>
internal sealed record TokenResponse(
    [property: JsonPropertyName("access_token")] string AccessToken,
    [property: JsonPropertyName("expires_in")] int ExpiresIn,
    [property: JsonPropertyName("refresh_token")] string? RefreshToken,
    [property: JsonPropertyName("id_token")] string? IdToken);
