namespace AeroGrid.Operator.Controllers;

/// <summary>Work queue keys are <c>namespace/name</c>, as informer cache keys.</summary>
internal static class Keys
{
    public static (string Namespace, string Name) Split(string key)
    {
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? ("", key) : (key[..slash], key[(slash + 1)..]);
    }
}
