// What an Excel add-in would do: sign in as a person, follow the app's status, subscribe to a grid, keep a table up to date.
// Usage: dotnet run --project samples/grid-console -- [tenant] [app] [grid] [issuer] [gateway] [api]
using System.Diagnostics;
using System.Text.Json;
using AeroGrid.Client.Apps;
using AeroGrid.Client.Live;
using AeroGrid.Client.SignIn;
using Spectre.Console;
using GridColumn = AeroGrid.Client.Live.GridColumn;

var tenant = args.ElementAtOrDefault(0) ?? "demo";
var app = args.ElementAtOrDefault(1) ?? "orders";
var grid = args.ElementAtOrDefault(2) ?? "orders";
var issuer = new Uri(args.ElementAtOrDefault(3) ?? "http://127.0.0.1:7440/dev-issuer/");
var gateway = new Uri(args.ElementAtOrDefault(4) ?? "http://127.0.0.1:7480/");
var api = new Uri(args.ElementAtOrDefault(5) ?? "http://127.0.0.1:7440/");

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => (e.Cancel, _) = (true, stop.CancelAsync());
using var http = new HttpClient();

var tokens = await new DesktopSignIn(http).SignInAsync(issuer, "grid-console", (url, _) =>
{
    AnsiConsole.MarkupLineInterpolated($"Sign in in your browser: [link]{url}[/]");
    using var browser = Process.Start(new ProcessStartInfo("xdg-open", url.ToString()) { UseShellExecute = false, RedirectStandardError = true });
    return Task.CompletedTask;
}, cancellationToken: stop.Token);

var view = new GridView(tenant, app, grid);
try
{
    await AnsiConsole.Live(view.Render()).StartAsync(async live =>
    {
        var render = new Lock();
        void Show()
        {
            lock (render)
            {
                live.UpdateTarget(view.Render());
            }
        }

        var status = Task.Run(async () =>
        {
            await foreach (var change in new AppsClient(http, api, tokens).WatchAsync(tenant, stop.Token))
            {
                if (change.App.Name == app)
                {
                    view.Status = change.Type == AppChangeType.Deleted ? null : change.App;
                    Show();
                }
            }
        });
        await foreach (var change in new LiveClient(http, gateway, tokens).SubscribeGridAsync(tenant, app, grid, stop.Token))
        {
            view.Apply(change);
            Show();
        }
        await status;
    });
}
catch (OperationCanceledException) when (stop.IsCancellationRequested)
{
    // Ctrl+C
}

/// <summary>The grid as the console shows it: the rows by key, the columns in the app's order, and the app's status.</summary>
internal sealed class GridView(string tenant, string app, string grid)
{
    private readonly Dictionary<string, JsonElement> _rows = [];
    private IReadOnlyList<GridColumn> _columns = [];
    private string _key = "";
    private long _version;

    public AppState? Status { get; set; }

    public void Apply(GridEvent change)
    {
        switch (change)
        {
            case GridSnapshot snapshot:
                (_key, _columns) = (snapshot.Key, snapshot.Columns);
                _rows.Clear();
                foreach (var row in snapshot.Rows)
                {
                    _rows[row.GetProperty(_key).ToString()] = row;
                }
                break;
            case GridUpsert upsert:
                _rows[upsert.Row.GetProperty(_key).ToString()] = upsert.Row;
                break;
            case GridDelete delete:
                _rows.Remove(delete.Key.ToString());
                break;
        }
        _version = change.Version;
    }

    public Table Render()
    {
        var status = Status is { } s ? $"{s.Phase ?? "Pending"}, revision {s.Revision?.ToString() ?? "none"}" : "not found";
        var table = new Table()
            .Title(Markup.Escape($"{tenant}/{app} ({status}): {grid}, version {_version}, {_rows.Count} rows"))
            .Caption(Markup.Escape(Status?.Message ?? ""));
        foreach (var column in _columns)
        {
            table.AddColumn(column.Type is GridColumnType.Integer or GridColumnType.Number
                ? new TableColumn(Markup.Escape(column.Name)).RightAligned()
                : new TableColumn(Markup.Escape(column.Name)));
        }
        foreach (var row in _rows.Values)
        {
            table.AddRow([.. _columns.Select(c => Markup.Escape(row.TryGetProperty(c.Name, out var value) ? value.ToString() : ""))]);
        }
        return table;
    }
}
