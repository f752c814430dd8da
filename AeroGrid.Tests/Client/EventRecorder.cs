using AeroGrid.Api.Client;
using AeroGrid.Api.Meta;

namespace AeroGrid.Tests.Client;

/// <summary>Subscribes to an informer and keeps its events, for tests to wait on.</summary>
internal sealed class EventRecorder<T>
    where T : KubernetesObject
{
    private readonly Lock _gate = new();
    private readonly List<InformerEvent<T>> _events = [];

    public void Record(InformerEvent<T> e)
    {
        lock (_gate)
        {
            _events.Add(e);
        }
    }

    public IReadOnlyList<InformerEvent<T>> Events
    {
        get
        {
            lock (_gate)
            {
                return [.. _events];
            }
        }
    }

    /// <summary>Polls until <paramref name="condition"/> holds for the events so far; fails after 20 s, listing them.</summary>
    public async Task<IReadOnlyList<InformerEvent<T>>> WaitUntilAsync(Func<IReadOnlyList<InformerEvent<T>>, bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            var events = Events;
            if (condition(events))
            {
                return events;
            }
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail("Timed out; the informer sent:\n" + string.Join('\n', events.Select(e => $"{e.Type} {ObjectKey.Of(e.Object)} rv={e.Object.Metadata.ResourceVersion}")));
            }
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }
}
