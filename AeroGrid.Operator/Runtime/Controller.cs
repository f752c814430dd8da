using Microsoft.Extensions.Options;

namespace AeroGrid.Operator.Runtime;

/// <summary>
/// Runs one reconciler: workers take keys from a rate-limited queue, one reconcile per key at a time,
/// errors back off per key (5 ms doubling to 1,000 s, as client-go), successes clear the backoff.
/// </summary>
internal sealed partial class Controller : IDisposable
{
    private readonly IReconciler _reconciler;
    private readonly ILogger _logger;
    private readonly int _workers;

    public Controller(IReconciler reconciler, IOptions<ControllerOptions> options, ILogger<Controller> logger)
    {
        _reconciler = reconciler;
        _logger = logger;
        _workers = Math.Max(1, options.Value.Workers);
        Queue = new RateLimitedWorkQueue<string>(options.Value.BaseBackoff, options.Value.MaxBackoff);
    }

    public RateLimitedWorkQueue<string> Queue { get; }

    public string Name => _reconciler.Name;

    public Task RunAsync(CancellationToken stoppingToken)
    {
        stoppingToken.Register(Queue.ShutDown);
        return Task.WhenAll(Enumerable.Range(0, _workers).Select(_ => Task.Run(() => WorkAsync(stoppingToken), CancellationToken.None)));
    }

    private async Task WorkAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            string? key;
            try
            {
                key = await Queue.TakeAsync(stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            if (key is null)
            {
                return;
            }
            try
            {
                await ReconcileOneAsync(key, stoppingToken);
            }
            finally
            {
                Queue.Done(key);
            }
        }
    }

    private async Task ReconcileOneAsync(string key, CancellationToken stoppingToken)
    {
        using var scope = _logger.BeginScope(new Dictionary<string, object> { ["Controller"] = _reconciler.Name, ["Object"] = key });
        try
        {
            var result = await _reconciler.ReconcileAsync(key, stoppingToken);
            Queue.Forget(key);
            if (result.RequeueAfter is { } delay)
            {
                Queue.AddAfter(key, delay);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
        catch (TerminalReconcileException e)
        {
            Queue.Forget(key);
            LogTerminal(_logger, _reconciler.Name, key, e.Message);
        }
        catch (Exception e)
        {
            var delay = Queue.AddRateLimited(key);
            LogRetry(_logger, e, _reconciler.Name, key, delay.TotalMilliseconds);
        }
    }

    public void Dispose() => Queue.Dispose();

    [LoggerMessage(EventId = 2001, Level = LogLevel.Warning, Message = "{Controller} {Key}: reconcile failed, retrying in {DelayMs} ms")]
    private static partial void LogRetry(ILogger logger, Exception exception, string controller, string key, double delayMs);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning, Message = "{Controller} {Key}: {Reason} (not retried)")]
    private static partial void LogTerminal(ILogger logger, string controller, string key, string reason);
}
