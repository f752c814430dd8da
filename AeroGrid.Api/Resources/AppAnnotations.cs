namespace AeroGrid.Api.Resources;

/// <summary>Annotations on an App that the Operator reads.</summary>
public static class AppAnnotations
{
    /// <summary>
    /// A timestamp; a new value rolls out a new revision of unchanged code, as <c>kubectl.kubernetes.io/restartedAt</c>
    /// does for a Deployment (the dashboard's Redeploy command sets it).
    /// </summary>
    public const string RestartedAt = "aerogrid.io/restartedAt";
}
