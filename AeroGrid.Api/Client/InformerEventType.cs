namespace AeroGrid.Api.Client;

/// <summary>What happened to an object in an informer's cache.</summary>
public enum InformerEventType
{
    Added,
    Updated,
    Deleted,
}
