namespace AeroGrid.Operator.Workloads.Kubernetes;

/// <summary>
/// The registry check could not say whether an image exists: the registry refused, failed or could not be reached, or
/// its credentials' Secret is unusable. The message is for a person and never holds a password.
/// </summary>
internal sealed class RegistryException(string message, Exception? inner = null) : Exception(message, inner);
