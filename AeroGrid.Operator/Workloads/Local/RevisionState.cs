namespace AeroGrid.Operator.Workloads.Local;

/// <summary>What a restarted Operator needs to find a revision's processes again; kept as JSON beside the files.</summary>
internal sealed record RevisionState(ReplicaSpec Spec, string Hash, List<ReplicaState> Replicas);

/// <param name="StartTime">The process's start in clock ticks since boot: with the pid, it names the process.</param>
internal sealed record ReplicaState(string Id, int Pid, int Port, long StartTime);
