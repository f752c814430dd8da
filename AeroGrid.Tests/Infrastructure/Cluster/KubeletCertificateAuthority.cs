using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace AeroGrid.Tests.Infrastructure.Cluster;

/// <summary>
/// A CA made for one test run, which issues the kubelet double's serving certificate. Its certificate is written as a PEM
/// file before the control plane starts, which trusts it as kube-apiserver does with <c>--kubelet-certificate-authority</c>.
/// </summary>
internal sealed class KubeletCertificateAuthority : IDisposable
{
    private readonly X509Certificate2 _certificate;

    private KubeletCertificateAuthority(X509Certificate2 certificate, string path) => (_certificate, Path) = (certificate, path);

    /// <summary>The CA's certificate as PEM.</summary>
    public string Path { get; }

    public static KubeletCertificateAuthority Create(string directory)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=aerogrid-kubelet-double-ca", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        Directory.CreateDirectory(directory);
        var path = System.IO.Path.Combine(directory, "kubelet-ca.pem");
        File.WriteAllText(path, certificate.ExportCertificatePem());
        return new KubeletCertificateAuthority(certificate, path);
    }

    /// <summary>A serving certificate for the node, valid for its address (an IP SAN, which the API server's client checks) and name.</summary>
    public X509Certificate2 IssueServingCertificate(IPAddress address, string nodeName)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN=system:node:{nodeName}", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(address);
        names.AddDnsName(nodeName);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(_certificate, true, false));
        using var issued = request.Create(_certificate, DateTimeOffset.UtcNow.AddMinutes(-5), _certificate.NotAfter, RandomNumberGenerator.GetBytes(16));
        return issued.CopyWithPrivateKey(key);
    }

    public void Dispose() => _certificate.Dispose();
}
