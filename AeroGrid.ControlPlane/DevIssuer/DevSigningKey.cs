using System.Security.Cryptography;
using AeroGrid.ControlPlane;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace AeroGrid.ControlPlane.DevIssuer;

/// <summary>
/// The dev issuer's RS256 key, kept as PEM in the data directory so tokens stay valid across restarts.
/// Its key id is the RFC 7638 thumbprint.
/// </summary>
internal sealed class DevSigningKey
{
    public DevSigningKey(IOptions<ControlPlaneOptions> options)
    {
        var path = Path.Combine(options.Value.DataDirectory, "dev-issuer-key.pem");
        var rsa = RSA.Create();
        if (File.Exists(path))
        {
            rsa.ImportFromPem(File.ReadAllText(path));
        }
        else
        {
            rsa.KeySize = 2048;
            Directory.CreateDirectory(options.Value.DataDirectory);
            File.WriteAllText(path, rsa.ExportPkcs8PrivateKeyPem());
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
        }
        var key = new RsaSecurityKey(rsa);
        key.KeyId = Base64UrlEncoder.Encode(key.ComputeJwkThumbprint());
        Credentials = new SigningCredentials(key, SecurityAlgorithms.RsaSha256);
        PublicJwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(rsa.ExportParameters(includePrivateParameters: false)) { KeyId = key.KeyId });
    }

    public SigningCredentials Credentials { get; }

    /// <summary>The public half, for the JWKS document.</summary>
    public JsonWebKey PublicJwk { get; }
}
