namespace AeroGrid.ControlPlane.DevIssuer;

/// <summary>The local stand-in for Auth0. Bound from <c>DevIssuer</c>; never enabled in a cluster.</summary>
internal sealed class DevIssuerOptions
{
    public const string SectionName = "DevIssuer";

    public bool Enabled { get; set; }

    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(1);

    public TimeSpan MaxTokenLifetime { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// Sign-ins (the code flow) are for people in the Portal: a working day, the Portal's longest session, so nobody is
    /// sent back to the sign-in page every hour. Auth0 issues API tokens for 24 hours by default.
    /// </summary>
    public TimeSpan SignInTokenLifetime { get; set; } = TimeSpan.FromHours(8);

    /// <summary>Kubeconfigs are for people at a terminal: a working day.</summary>
    public TimeSpan KubeconfigTokenLifetime { get; set; } = TimeSpan.FromHours(12);
}
