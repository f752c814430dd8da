namespace AeroGrid.Operator.Runtime;

/// <summary>
/// Makes the world match one object's spec. Level-triggered: it is given a key, not an event, reads
/// the current state and converges, whatever happened before; running it twice changes nothing more.
/// </summary>
internal interface IReconciler
{
    /// <summary>The kind's name, for logs and metrics.</summary>
    string Name { get; }

    /// <returns>Done, or when to look again. Throw to retry with per-key backoff.</returns>
    Task<ReconcileResult> ReconcileAsync(string key, CancellationToken cancellationToken);
}

/// <summary>What a reconcile asks of the controller next.</summary>
internal readonly record struct ReconcileResult(TimeSpan? RequeueAfter)
{
    public static ReconcileResult Done { get; } = new(null);

    public static ReconcileResult After(TimeSpan delay) => new(delay);
}

/// <summary>An error retrying cannot fix (bad input): logged and recorded in status, not retried.</summary>
internal sealed class TerminalReconcileException(string message, Exception? inner = null) : Exception(message, inner);
