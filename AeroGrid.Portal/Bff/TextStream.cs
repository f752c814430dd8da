namespace AeroGrid.Portal.Bff;

/// <summary>Passes a text stream (a log) to the browser as it arrives, flushing each piece so nothing waits in a buffer.</summary>
internal static class TextStream
{
    public static async Task<IResult> CopyAsync(HttpContext http, Task<Stream> open)
    {
        await using var source = await open;
        http.Response.ContentType = "text/plain; charset=utf-8";
        http.Response.Headers.CacheControl = "no-store";
        var buffer = new byte[16 * 1024];
        try
        {
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
        catch (IOException)
        {
            // The API ended the stream midway (a restart): the browser sees the end and may follow again.
        }
        return Results.Empty;
    }
}
