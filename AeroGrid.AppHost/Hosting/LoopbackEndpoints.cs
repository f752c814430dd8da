namespace AeroGrid.AppHost.Hosting;

internal static class LoopbackEndpoints
{
    /// <summary>
    /// An HTTP endpoint on a fixed port of 127.0.0.1 that the service binds itself (no DCP proxy in front), so the
    /// addresses in the README, in tokens' issuer and in kubeconfigs stay what they were before Aspire ran the platform.
    /// Plain HTTP on loopback needs no certificate, and these machines have no Aspire development certificate.
    /// </summary>
    public static IResourceBuilder<T> WithLoopbackHttpEndpoint<T>(this IResourceBuilder<T> builder, int port)
        where T : IResourceWithEndpoints, IResourceWithEnvironment, IResourceWithArgs =>
        builder.WithHttpEndpoint(port: port, isProxied: false)
            .WithEndpoint("http", endpoint => endpoint.TargetHost = "127.0.0.1")
            .WithoutHttpsCertificate();

    public static string Url(int port) => $"http://127.0.0.1:{port}";
}
