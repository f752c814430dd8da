namespace AeroGrid.Portal;

/// <summary>Where the Portal finds the API and the gateway, and who it is at the issuer. Bound from <c>Portal</c>.</summary>
internal sealed class PortalOptions
{
    public const string SectionName = "Portal";

    /// <summary>The API server: the local control plane, or kube-apiserver in a cluster.</summary>
    public Uri? ApiServer { get; set; }

    /// <summary>The gateway that routes <c>/apps/{tenant}/{app}</c>; the request panel calls apps through it.</summary>
    public Uri? Gateway { get; set; }

    /// <summary>The Portal's client id at the issuer (an Auth0 "Regular Web Application").</summary>
    public string ClientId { get; set; } = "aerogrid-portal";

    /// <summary>The client secret for the token exchange; Auth0 requires one for a web application, the dev issuer none.</summary>
    public string ClientSecret { get; set; } = "";

    /// <summary>
    /// The Portal's public address, for the redirect URI registered at the issuer. Empty: taken from each request,
    /// so whichever loopback name the browser uses (localhost or 127.0.0.1) the sign-in cookie comes back.
    /// </summary>
    public Uri? PublicUrl { get; set; }

    /// <summary>The Portal's address as the browser sees it: <see cref="PublicUrl"/>, else the request's own.</summary>
    public string BaseUrl(HttpRequest request) =>
        PublicUrl is { } url ? url.ToString().TrimEnd('/') : $"{request.Scheme}://{request.Host}{request.PathBase}";

    /// <summary>A session ends at the latest after this, even if the access token lives longer.</summary>
    public TimeSpan MaxSessionLifetime { get; set; } = TimeSpan.FromHours(8);

    /// <summary>Where the app templates are (one folder per template); relative paths are under the Portal's own folder.</summary>
    public string TemplatesDirectory { get; set; } = "templates";
}
