namespace AeroGrid.Operator.Workloads.Local;

/// <summary>What every replica shares: the runtime's options, the warm interpreters it forks from, and where it reports ready.</summary>
internal sealed record ReplicaHost(LocalRuntimeOptions Options, WarmInterpreters Interpreters, ReadinessNotifications Readiness, ILogger Logger);
