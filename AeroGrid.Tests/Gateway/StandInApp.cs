using System.Net.WebSockets;
using System.Text.Json.Nodes;
using AeroGrid.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace AeroGrid.Tests.Gateway;

/// <summary>
/// Stands in for a tenant's Python app behind the gateway: a Kestrel server on a loopback port in the test process.
/// It echoes what it received as JSON, streams server-sent events from <c>/events</c> and echoes WebSocket messages on <c>/ws</c>.
/// </summary>
internal sealed class StandInApp : IAsyncDisposable
{
    private readonly WebApplication _server;
    private readonly SemaphoreSlim _finishEvents = new(0);

    private StandInApp(string name, WebApplication server)
    {
        Name = name;
        _server = server;
    }

    /// <summary>Which stand-in answered, in every echo.</summary>
    public string Name { get; }

    /// <summary>What the Operator would put in <c>status.endpoints</c> for it.</summary>
    public string Address => _server.BoundAddress().GetLeftPart(UriPartial.Authority);

    public static async Task<StandInApp> StartAsync(string name)
    {
        var server = LoopbackKestrel.CreateBuilder().Build();
        var app = new StandInApp(name, server);
        server.UseWebSockets();
        server.Map("/events", app.StreamEventsAsync);
        server.Map("/ws", EchoMessagesAsync);
        server.MapFallback(app.EchoAsync);
        await server.StartAsync();
        return app;
    }

    /// <summary>Lets one <c>/events</c> stream send its last event and end; until then it holds it back.</summary>
    public void FinishEvents() => _finishEvents.Release();

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        _finishEvents.Dispose();
    }

    private Task EchoAsync(HttpContext http)
    {
        var headers = new JsonObject();
        foreach (var (key, value) in http.Request.Headers)
        {
            headers[key.ToLowerInvariant()] = value.ToString();
        }
        return http.Response.WriteAsJsonAsync(new JsonObject
        {
            ["app"] = Name,
            ["method"] = http.Request.Method,
            ["path"] = http.Request.Path.Value,
            ["query"] = http.Request.QueryString.Value,
            ["headers"] = headers,
        });
    }

    private async Task StreamEventsAsync(HttpContext http)
    {
        http.Response.ContentType = "text/event-stream";
        await http.Response.WriteAsync("data: first\n\n");
        await http.Response.Body.FlushAsync();
        await _finishEvents.WaitAsync(http.RequestAborted);
        await http.Response.WriteAsync("data: last\n\n");
    }

    private static async Task EchoMessagesAsync(HttpContext http)
    {
        if (!http.WebSockets.IsWebSocketRequest)
        {
            http.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }
        using var socket = await http.WebSockets.AcceptWebSocketAsync();
        var buffer = new byte[4096];
        while (true)
        {
            var received = await socket.ReceiveAsync(buffer, http.RequestAborted);
            if (received.MessageType == WebSocketMessageType.Close)
            {
                await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, http.RequestAborted);
                return;
            }
            await socket.SendAsync(buffer.AsMemory(0, received.Count), received.MessageType, received.EndOfMessage, http.RequestAborted);
        }
    }
}
