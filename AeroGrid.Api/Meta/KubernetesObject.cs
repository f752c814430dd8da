namespace AeroGrid.Api.Meta;

/// <summary>The envelope every API object shares: type identity and object metadata.</summary>
public abstract record KubernetesObject
{
    public string ApiVersion { get; init; } = "";
    public string Kind { get; init; } = "";
    public ObjectMeta Metadata { get; init; } = new();
}

/// <summary>An object with a desired state (<c>spec</c>) and an observed state (<c>status</c>).</summary>
public abstract record Resource<TSpec, TStatus> : KubernetesObject
    where TSpec : new()
    where TStatus : class
{
    public TSpec Spec { get; init; } = new();
    public TStatus? Status { get; init; }
}
