namespace AeroGrid.Api.Resources;

/// <summary>The API group and version of AeroGrid's resources.</summary>
public static class AeroGridApi
{
    public const string Group = "aerogrid.io";
    public const string Version = "v1alpha1";
    public const string GroupVersion = Group + "/" + Version;
}
