using AeroGrid.ServiceDefaults.Authentication;

namespace AeroGrid.Portal.Sessions;

/// <summary>One signed-in browser, as a <c>/bff</c> request sees it: the person's access token for the API and gateway, and who they are.</summary>
internal sealed record Session(string AccessToken, CallerIdentity Person)
{
    /// <summary>Sign-in refuses a person without a tenant, so every session has one.</summary>
    public string Tenant => Person.Tenant!;
}
