namespace AeroGrid.AppHost.Dashboard;

/// <summary>Where the platform answers, for the links the dashboard shows next to an app.</summary>
internal sealed record PlatformLinks(Uri Api, Uri TokenEndpoint, Uri Gateway, Uri Portal)
{
    public Uri GatewayUrl(string @namespace, string app) => new(Gateway, $"/apps/{@namespace}/{app}/");

    /// <summary>The Portal's editor of the app; the Portal opens it in the signed-in person's tenant.</summary>
    public Uri PortalUrl(string app) => new(Portal, $"/apps/{Uri.EscapeDataString(app)}");
}
