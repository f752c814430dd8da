namespace AeroGrid.Portal.Bff;

/// <summary>
/// Passes a stream (a log, or an app's Server-Sent Events) to the browser as it arrives, flushing each piece so
/// nothing waits in a buffer.
/// </summary>
internal static class TextStream
{
    public const string PlainText = "text/plain; charset=utf-8";

    public static async Task<IResult> CopyAsync(HttpContext http, Task<Stream> open, string contentType = PlainText)
    {
        await using var source = await open;
        http.Response.ContentType = contentType;
        http.Response.Headers.CacheControl = "no-store";
        http.Response.Headers["X-Accel-Buffering"] = "no"; // Nor in a proxy in front of the Portal.
        var buffer = new byte[16 * 1024];
        try
        {
            await http.Response.Body.FlushAsync(http.RequestAborted); // The headers go now: a quiet stream is still open.
            int read;
            while ((read = await source.ReadAsync(buffer, http.RequestAborted)) > 0)
            {
                await http.Response.Body.WriteAsync(buffer.AsMemory(0, read), http.RequestAborted);
                await http.Response.Body.FlushAsync(http.RequestAborted);
            }
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            // The browser stopped following.
        }
        catch (Exception e) when (e is IOException or HttpRequestException)
        {
            // The source ended the stream midway (a restart, a new revision): the browser sees the end and may follow again.
        }
        return Results.Empty;
    }
}
