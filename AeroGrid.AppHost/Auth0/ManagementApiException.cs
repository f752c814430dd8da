namespace AeroGrid.AppHost.Auth0;

/// <summary>
/// Auth0 refused or could not be reached; the message is one readable line for the person running provisioning and never
/// holds a credential or a token.
/// </summary>
internal sealed class ManagementApiException(string message) : Exception(message);
