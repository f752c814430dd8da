using AeroGrid.ServiceDefaults.Authentication;

namespace AeroGrid.Portal.Sessions;

/// <summary>A person after sign-in: their access token for the API and gateway, who they are, and until when.</summary>
internal sealed record SignedIn(string AccessToken, CallerIdentity Person, DateTimeOffset Expires);
