using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using AeroGrid.Api.Client;
using AeroGrid.Api.Resources;

namespace AeroGrid.Operator.Controllers;

/// <summary>
/// The measures a person running the platform asks for first: how long a save takes to serve, and how long an
/// environment takes to build. OpenTelemetry histograms, on <c>/metrics</c> and in the dashboard.
/// </summary>
internal sealed class OperatorMetrics
{
    public const string MeterName = "AeroGrid.Operator";

    // Seconds: a warm revision serves in tens of milliseconds, a build of real requirements takes minutes.
    private static readonly double[] Boundaries = [0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];

    private readonly Histogram<double> _editToLive;
    private readonly Histogram<double> _build;
    private readonly TimeProvider _time;

    // Per App: the generation whose change the Operator saw last, and when, until that generation serves.
    private readonly ConcurrentDictionary<string, (long Generation, long Seen)> _changes = new(StringComparer.Ordinal);

    public OperatorMetrics(IMeterFactory meters, TimeProvider time)
    {
        _time = time;
        var meter = meters.Create(MeterName);
        _editToLive = meter.CreateHistogram<double>("aerogrid.app.edit_to_live", "s",
            "From the Operator receiving an App's change (its watch event, a few milliseconds after the API write) to the new revision answering.",
            advice: new() { HistogramBucketBoundaries = Boundaries });
        _build = meter.CreateHistogram<double>("aerogrid.image.build.duration", "s",
            "How long an Image's environment took to build, by outcome.",
            advice: new() { HistogramBucketBoundaries = Boundaries });
    }

    /// <summary>Notes when a new App or a new generation of one arrived from the API.</summary>
    /// <remarks>
    /// The clock starts at the watch event, not at the write: the API records write times to the second (as
    /// kube-apiserver does in managedFields), too coarse for a measure of tens of milliseconds, and the two clocks may
    /// be different machines' in a cluster. The API's watch latency is measured on its own (the controlplane bench).
    /// </remarks>
    public void ChangeSeen(App app)
    {
        if (app.Metadata.Generation is { } generation)
        {
            _changes[ObjectKey.Of(app)] = (generation, _time.GetTimestamp());
        }
    }

    /// <summary>Records the time to serve the App's generation, if its change was seen.</summary>
    public void RevisionLive(App app)
    {
        var key = ObjectKey.Of(app);
        if (_changes.TryGetValue(key, out var change) && change.Generation == app.Metadata.Generation
            && _changes.TryRemove(KeyValuePair.Create(key, change)))
        {
            _editToLive.Record(_time.GetElapsedTime(change.Seen).TotalSeconds);
        }
    }

    /// <summary>Forgets an App that is gone.</summary>
    public void Forget(App app) => _changes.TryRemove(ObjectKey.Of(app), out _);

    public void BuildFinished(TimeSpan duration, ImagePhase outcome) =>
        _build.Record(duration.TotalSeconds, new KeyValuePair<string, object?>("outcome", outcome == ImagePhase.Ready ? "ready" : "failed"));
}
