namespace AeroGrid.Portal.Sessions;

/// <summary>How the Portal's cookies are set: never readable by scripts, sent only by this site's own pages and top-level navigations.</summary>
internal static class SessionCookies
{
    public static CookieOptions Options(HttpRequest request, DateTimeOffset expires, string path = "/") => new()
    {
        HttpOnly = true,
        // Lax, not Strict: the issuer's redirect back to /signin-callback is a cross-site navigation and must carry it.
        SameSite = SameSiteMode.Lax,
        Secure = request.IsHttps,
        Path = path,
        Expires = expires,
        IsEssential = true,
    };
}
