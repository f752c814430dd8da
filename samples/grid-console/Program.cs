// What an Excel add-in would do: sign in as a person, subscribe to a grid, keep a table up to date.
// Usage: dotnet run --project samples/grid-console -- [tenant] [app] [grid] [issuer] [gateway]
using System.Diagnostics;
using System.Text.Json;
using AeroGrid.Client.Live;
using AeroGrid.Client.SignIn;
using Spectre.Console;

var tenant = args.ElementAtOrDefault(0) ?? "demo";
var app = args.ElementAtOrDefault(1) ?? "orders";
var grid = args.ElementAtOrDefault(2) ?? "orders";
var issuer = new Uri(args.ElementAtOrDefault(3) ?? "http://127.0.0.1:7440/dev-issuer/");
var gateway = new Uri(args.ElementAtOrDefault(4) ?? "http://127.0.0.1:7480/");

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => (e.Cancel, _) = (true, stop.CancelAsync());
using var http = new HttpClient();

var tokens = await new DesktopSignIn(http).SignInAsync(issuer, "grid-console", (url, _) =>
{
    AnsiConsole.MarkupLineInterpolated($"Sign in in your browser: [link]{url}[/]");
    using var browser = Process.Start(new ProcessStartInfo("xdg-open", url.ToString()) { UseShellExecute = false, RedirectStandardError = true });
    return Task.CompletedTask;
}, cancellationToken: stop.Token);

var rows = new Dictionary<string, JsonElement>();
var columns = new List<string>();
var table = new Table().Title($"{tenant}/{app}: {grid}");
try
{
    await AnsiConsole.Live(table).StartAsync(async live =>
    {
        await foreach (var change in new LiveClient(http, gateway, tokens).SubscribeGridAsync(tenant, app, grid, stop.Token))
        {
            switch (change)
            {
                case GridSnapshot snapshot:
                    columns = [.. snapshot.Columns.Select(c => c.GetProperty("name").GetString()!)];
                    rows = snapshot.Rows.ToDictionary(r => r.GetProperty(columns[0]).ToString());
                    break;
                case GridUpsert upsert:
                    rows[upsert.Row.GetProperty(columns[0]).ToString()] = upsert.Row;
                    break;
                case GridDelete delete:
                    rows.Remove(delete.Key.ToString());
                    break;
            }
            table = new Table().Title($"{tenant}/{app}: {grid} (version {change.Version}, {rows.Count} rows)");
            table.AddColumns([.. columns]);
            foreach (var row in rows.Values)
            {
                table.AddRow([.. columns.Select(c => Markup.Escape(row.GetProperty(c).ToString()))]);
            }
            live.UpdateTarget(table);
        }
    });
}
catch (OperationCanceledException) when (stop.IsCancellationRequested)
{
    // Ctrl+C
}
