using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace AeroGrid.ControlPlane;

/// <summary>
/// A self-signed certificate for the API's HTTPS port, kept in the data directory (like k3s' serving cert).
/// </summary>
/// <remarks>
/// kubectl (client-go) never sends a bearer token over plain HTTP, so kubectl needs TLS even on loopback;
/// the dev issuer's kubeconfig carries this certificate as the cluster's CA.
/// </remarks>
internal static class ServingCertificate
{
    public static X509Certificate2 LoadOrCreate(string dataDirectory)
    {
        var certPath = Path.Combine(dataDirectory, "serving-cert.pem");
        var keyPath = Path.Combine(dataDirectory, "serving-key.pem");
        if (!File.Exists(certPath) || !File.Exists(keyPath))
        {
            Directory.CreateDirectory(dataDirectory);
            // P-256 rather than RSA: a key in about a millisecond instead of a quarter of a second of every first start.
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var request = new CertificateRequest("CN=aerogrid-control-plane", key, HashAlgorithmName.SHA256);
            var names = new SubjectAlternativeNameBuilder();
            names.AddIpAddress(IPAddress.Loopback);
            names.AddIpAddress(IPAddress.IPv6Loopback);
            names.AddDnsName("localhost");
            request.CertificateExtensions.Add(names.Build());
            // Its own CA: kubeconfig's certificate-authority-data is this certificate.
            request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, false, 0, critical: true));
            request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyCertSign, critical: true));
            request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
            using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(10));
            File.WriteAllText(certPath, certificate.ExportCertificatePem());
            File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(keyPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
        }
        return X509Certificate2.CreateFromPemFile(certPath, keyPath);
    }

    /// <summary>The certificate as PEM, base64-encoded, as kubeconfig's <c>certificate-authority-data</c> wants it.</summary>
    public static string AuthorityData(string dataDirectory) =>
        Convert.ToBase64String(File.ReadAllBytes(Path.Combine(dataDirectory, "serving-cert.pem")));
}
