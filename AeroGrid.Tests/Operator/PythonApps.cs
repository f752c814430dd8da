namespace AeroGrid.Tests.Operator;

/// <summary>Small user apps for the Operator tests.</summary>
internal static class PythonApps
{
    /// <summary>A plain script that binds $PORT itself and answers every GET with <paramref name="body"/> (a Python expression).</summary>
    public static string Plain(string body, string prelude = "") => $$"""
        import http.server, os
        {{prelude}}
        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                data = str({{body}}).encode()
                self.send_response(200)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            def log_message(self, *args):
                pass
        print("serving", flush=True)
        http.server.ThreadingHTTPServer(("127.0.0.1", int(os.environ["PORT"])), Handler).serve_forever()
        """;

    /// <summary>Ready at once, then exits a moment later: a crash loop.</summary>
    public static string CrashesSoon => Plain("'up'", prelude: """
        import threading, time
        print("started at", time.time(), flush=True)
        threading.Timer(0.5, lambda: os._exit(3)).start()
        """);
}
