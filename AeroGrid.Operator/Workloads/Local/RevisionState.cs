namespace AeroGrid.Operator.Workloads.Local;

/// <summary>What a restarted Operator needs to find a revision's processes again; kept as JSON beside the files.</summary>
internal sealed record RevisionState(ReplicaSpec Spec, string Hash, List<ReplicaState> Replicas);

internal sealed record ReplicaState(string Id, int Pid, int Port);
