using AeroGrid.Api.Client;
using AeroGrid.Api.Resources;
using AeroGrid.Tests.Infrastructure;

namespace AeroGrid.Tests.Client;

/// <summary>An informer of Apps running for one test, synced, with a recorder of everything it sends; disposing stops it.</summary>
internal sealed class RunningInformer : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
    private readonly Task _run;

    private RunningInformer(ResourceClient<App> apps, InformerOptions options, RecordingLogger log)
    {
        Informer = new Informer<App>(apps, options, log);
        Informer.Changed += Events.Record;
        _run = Informer.RunAsync(_stop.Token);
    }

    public Informer<App> Informer { get; }

    public EventRecorder<App> Events { get; } = new();

    public static async Task<RunningInformer> StartAsync(ResourceClient<App> apps, InformerOptions options, RecordingLogger? log = null)
    {
        var running = new RunningInformer(apps, options, log ?? new RecordingLogger());
        await running.Informer.WaitForSyncAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken);
        return running;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _run.WaitAsync(TimeSpan.FromSeconds(10));
        _stop.Dispose();
    }
}
