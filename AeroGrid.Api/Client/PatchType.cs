namespace AeroGrid.Api.Client;

/// <summary>The patch formats custom resources accept (strategic merge patch is for built-in kinds only).</summary>
public enum PatchType
{
    /// <summary>RFC 7386 JSON merge patch, <c>application/merge-patch+json</c>: an object of the fields to set; null removes.</summary>
    Merge,

    /// <summary>RFC 6902 JSON patch, <c>application/json-patch+json</c>: an array of operations (add, remove, replace, test...).</summary>
    Json,
}
