namespace AeroGrid.Gateway;

/// <summary>Where the gateway reads Apps from and how it answers for apps that cannot serve. Bound from <c>Gateway</c>.</summary>
internal sealed class GatewayOptions
{
    public const string SectionName = "Gateway";

    /// <summary>The API server (the local control plane) whose Apps the gateway routes to.</summary>
    public Uri? ApiServer { get; set; }

    /// <summary>The dev issuer's token endpoint, where the gateway gets its own <c>platform:admin</c> token to watch Apps.</summary>
    public Uri? TokenEndpoint { get; set; }

    /// <summary>The <c>Retry-After</c> of a 503 for an app with no ready process: about how long a start or rollout takes.</summary>
    public TimeSpan RetryAfter { get; set; } = TimeSpan.FromSeconds(5);
}
