namespace AeroGrid.Tests.Infrastructure.Cluster;

/// <summary>How <see cref="OciRegistryDouble"/> asks clients to authenticate.</summary>
internal enum RegistryAuthMode
{
    /// <summary>Anyone may pull and push.</summary>
    None,

    /// <summary>Basic credentials on every request.</summary>
    Basic,

    /// <summary>Bearer tokens from the double's own token service (Docker's token authentication), which takes Basic credentials.</summary>
    Bearer,
}
