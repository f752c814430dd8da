using k8s;
using k8s.Models;

namespace AeroGrid.Operator.Workloads.Kubernetes;

/// <summary>
/// Tells which app a change in the cluster belongs to: every event of a watch over the objects the backend made (those
/// labelled <c>app.kubernetes.io/managed-by=aerogrid</c>), as <c>namespace/app</c>, so the App is reconciled when its
/// Deployment progresses or one of its pods crashes or becomes ready.
/// </summary>
/// <remarks>
/// A watch without a resourceVersion starts with every existing object as ADDED, so each restart of the watch (after
/// the server ends it, or an error) is also a resync of every app. Nothing is cached: the backend reads what it needs.
/// </remarks>
internal sealed partial class WorkloadWatch<T>(
    string kind, Func<Action<Exception>, CancellationToken, IAsyncEnumerable<(WatchEventType, T)>> watch, ILogger logger)
    where T : IKubernetesObject<V1ObjectMeta>
{
    private static readonly TimeSpan Backoff = TimeSpan.FromSeconds(1);

    public async Task RunAsync(Action<string> changed, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            Exception? failure = null;
            try
            {
                await foreach (var (_, obj) in watch(e => failure ??= e, stoppingToken))
                {
                    if (obj.Metadata?.Labels?.TryGetValue(WorkloadLabels.App, out var app) == true)
                    {
                        changed($"{obj.Metadata.NamespaceProperty}/{app}");
                    }
                }
            }
            catch (Exception e) when (e is HttpRequestException or IOException or k8s.Autorest.HttpOperationException && !stoppingToken.IsCancellationRequested)
            {
                failure = e;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            if (failure is not null)
            {
                var reason = failure.Message;
                LogWatchFailed(logger, kind, reason);
                await Task.Delay(Backoff, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    [LoggerMessage(EventId = 2401, Level = LogLevel.Warning, Message = "The watch of {Kind} failed, watching again: {Reason}")]
    private static partial void LogWatchFailed(ILogger logger, string kind, string reason);
}
