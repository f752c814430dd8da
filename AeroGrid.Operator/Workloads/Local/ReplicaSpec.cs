namespace AeroGrid.Operator.Workloads.Local;

/// <summary>How to start one process of a revision.</summary>
/// <param name="Python">The environment's interpreter, <c>&lt;env&gt;/bin/python</c>.</param>
/// <param name="Directory">The revision's files; the working directory.</param>
/// <param name="LogPath">Where stdout and stderr go (appended, shared by the revision's processes).</param>
/// <param name="Environment">Variables for the process; PORT and the replica id are added per start.</param>
internal sealed record ReplicaSpec(string Key, long Revision, string Python, string Directory, string LogPath, IReadOnlyDictionary<string, string> Environment);
