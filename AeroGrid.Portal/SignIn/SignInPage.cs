using System.Net;

namespace AeroGrid.Portal.SignIn;

/// <summary>
/// The page a person sees when a sign-in cannot go on (refused, expired, the issuer out of reach): a sentence and a way
/// back, never a stack trace. The front end is not loaded here: it would only ask to sign in again.
/// </summary>
internal static class SignInPage
{
    public static IResult Show(int status, string title, string message) => Results.Content(
        $"""
        <!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
        <title>{WebUtility.HtmlEncode(title)} · AeroGrid</title></head>
        <body style="font-family:system-ui,sans-serif;max-width:34rem;margin:4rem auto;padding:0 1rem">
        <h1>{WebUtility.HtmlEncode(title)}</h1><p role="alert">{WebUtility.HtmlEncode(message)}</p>
        <p><a href="/signin">Sign in again</a> · <a href="/">Home</a></p></body></html>
        """, "text/html; charset=utf-8", statusCode: status);

    public static IResult Unavailable() =>
        Show(503, "Sign-in is not available", "The sign-in service cannot be reached right now. Try again in a moment.");
}
