using System.Security.Cryptography.X509Certificates;

namespace AeroGrid.ControlPlane.Api;

/// <summary>
/// How the control plane trusts a kubelet's serving certificate when it reads a pod's log: by the CA named in
/// <see cref="ControlPlaneOptions.KubeletCertificateAuthority"/>, as kube-apiserver with <c>--kubelet-certificate-authority</c>.
/// </summary>
internal static class KubeletTrust
{
    public static HttpMessageHandler Handler(ControlPlaneOptions options)
    {
        var handler = new SocketsHttpHandler();
        if (options.KubeletCertificateAuthority.Length > 0)
        {
            var policy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck };
            // A bundle of CA certificates, as kube-apiserver reads --kubelet-certificate-authority (CreateFromPemFile would want a key too).
            policy.CustomTrustStore.ImportFromPemFile(options.KubeletCertificateAuthority);
            handler.SslOptions.CertificateChainPolicy = policy;
        }
        return handler;
    }
}
