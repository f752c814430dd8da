namespace AeroGrid.Portal.Hosting;

/// <summary>Headers on every answer that keep the page from being framed, sniffed or made to run foreign script.</summary>
internal static class SecurityHeaders
{
    /// <summary>
    /// Scripts only from the Portal itself. Monaco needs inline styles and runs its language workers from a blob
    /// URL that loads <c>/vs/base/worker/workerMain.js</c>; nothing else is relaxed.
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; " +
        "worker-src 'self' blob:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use((http, next) =>
    {
        var headers = http.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "same-origin";
        return next(http);
    });
}
