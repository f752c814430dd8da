using AeroGrid.Api.Validation;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace AeroGrid.AppHost.Publish;

/// <summary>
/// The one settings file of a production publish: where the platform answers, who issues its tokens, where images
/// live, which tenants exist and where telemetry goes. Read from the YAML file named by <c>AeroGrid:PublishSettings</c>.
/// </summary>
internal sealed class PublishSettings
{
    /// <summary>The configuration key naming the settings file.</summary>
    public const string ConfigurationKey = "AeroGrid:PublishSettings";

    /// <summary>The longest name Auth0 gives an Organization; each tenant is one (see <see cref="Auth0Settings.TenantClaim"/>).</summary>
    private const int MaxOrganizationName = 50;

    /// <summary>The host the platform answers on, e.g. <c>aerogrid.example.com</c>: the Portal at <c>/</c>, apps at <c>/apps/{tenant}/{app}</c>.</summary>
    public string Domain { get; set; } = "";

    /// <summary>The Secret (in the ingress gateway's namespace) holding the TLS certificate for <see cref="Domain"/>.</summary>
    public string TlsSecret { get; set; } = "aerogrid-tls";

    /// <summary>The namespace the Operator and the Portal run in.</summary>
    public string Namespace { get; set; } = "aerogrid-system";

    public Auth0Settings Auth0 { get; set; } = new();

    public ImageSettings Images { get; set; } = new();

    public RegistrySettings Registry { get; set; } = new();

    public List<string> Tenants { get; set; } = [];

    public TelemetrySettings Telemetry { get; set; } = new();

    /// <summary>Reads and checks the file; <see cref="PublishSettingsException"/> names every field that is wrong.</summary>
    public static PublishSettings Load(string path)
    {
        PublishSettings settings;
        try
        {
            var deserializer = new DeserializerBuilder().WithNamingConvention(CamelCaseNamingConvention.Instance).Build();
            settings = deserializer.Deserialize<PublishSettings?>(File.ReadAllText(path)) ?? new PublishSettings();
        }
        catch (YamlException e)
        {
            // YamlDotNet names an unknown field in its message ("Property 'x' not found on type ...").
            throw PublishSettingsException.InFile(path, [$"line {e.Start.Line}: {(e.InnerException ?? e).Message}"]);
        }
        catch (IOException e)
        {
            throw PublishSettingsException.InFile(path, [e.Message]);
        }
        var errors = settings.Errors().ToList();
        return errors.Count == 0 ? settings : throw PublishSettingsException.InFile(path, errors);
    }

    private IEnumerable<string> Errors()
    {
        var names = NameValidation.Dns1123SubdomainErrors(Domain, "domain")
            .Concat(NameValidation.Dns1123LabelErrors(Namespace, "namespace"))
            .Concat(NameValidation.Dns1123SubdomainErrors(TlsSecret, "tlsSecret"))
            .Concat(NameValidation.Dns1123SubdomainErrors(Auth0.Domain, "auth0.domain"))
            .Concat(NameValidation.Dns1123SubdomainErrors(Registry.PushSecret, "registry.pushSecret"))
            .Concat(Tenants.SelectMany((tenant, i) => NameValidation.Dns1123LabelErrors(tenant, $"tenants[{i}]")));
        foreach (var error in names)
        {
            yield return $"{error.Field}: {error.Message}";
        }
        foreach (var (field, value) in new[]
        {
            ("auth0.audience", Auth0.Audience),
            ("auth0.tenantClaim", Auth0.TenantClaim),
            ("auth0.portalClientSecret", Auth0.PortalClientSecret),
            ("images.operator", Images.Operator),
            ("images.portal", Images.Portal),
            ("registry.address", Registry.Address),
            ("registry.repository", Registry.Repository),
        })
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                yield return $"{field}: is required";
            }
        }
        foreach (var (field, value) in new[]
        {
            ("auth0.apiName", Auth0.ApiName),
            ("auth0.portalApplication", Auth0.PortalApplication),
            ("auth0.operatorApplication", Auth0.OperatorApplication),
        })
        {
            // Auth0 refuses names with angle brackets (and an empty name) for APIs and applications.
            if (string.IsNullOrWhiteSpace(value) || value.AsSpan().IndexOfAny('<', '>') >= 0)
            {
                yield return $"{field}: '{value}' must be a name without '<' or '>'";
            }
        }
        if (string.Equals(Auth0.PortalApplication, Auth0.OperatorApplication, StringComparison.Ordinal))
        {
            yield return "auth0.operatorApplication: must differ from auth0.portalApplication (provisioning finds each application by its name)";
        }
        foreach (var (tenant, i) in Tenants.Select((tenant, i) => (tenant, i)).Where(t => t.tenant.Length > MaxOrganizationName))
        {
            yield return $"tenants[{i}]: '{tenant}' is longer than the {MaxOrganizationName} characters of an Auth0 Organization's name, which a tenant's is";
        }
        if (Tenants.Count == 0)
        {
            yield return "tenants: name at least one tenant";
        }
        foreach (var duplicate in Tenants.GroupBy(t => t, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            yield return $"tenants: '{duplicate.Key}' is listed more than once";
        }
        if (Telemetry.TracingSamplingPercent is < 0 or > 100)
        {
            yield return $"telemetry.tracingSamplingPercent: {Telemetry.TracingSamplingPercent} is not between 0 and 100";
        }
        if (string.IsNullOrWhiteSpace(Telemetry.TracingProvider))
        {
            yield return "telemetry.tracingProvider: is required";
        }
        if (Telemetry.OtlpEndpoint is { Length: > 0 } endpoint && !Uri.TryCreate(endpoint, UriKind.Absolute, out _))
        {
            yield return $"telemetry.otlpEndpoint: '{endpoint}' is not an absolute URL, e.g. http://otel-collector.observability:4317";
        }
        if (Telemetry.AppsOtlpEndpoint is { Length: > 0 } appsEndpoint && !Uri.TryCreate(appsEndpoint, UriKind.Absolute, out _))
        {
            yield return $"telemetry.appsOtlpEndpoint: '{appsEndpoint}' is not an absolute URL, e.g. http://otel-collector.observability:4318";
        }
    }
}

internal sealed class Auth0Settings
{
    /// <summary>The Auth0 tenant's domain, e.g. <c>aerogrid.eu.auth0.com</c>; the issuer is <c>https://{domain}/</c>.</summary>
    public string Domain { get; set; } = "";

    /// <summary>The API's identifier, the <c>aud</c> of access tokens.</summary>
    public string Audience { get; set; } = "";

    /// <summary>
    /// The claim naming the caller's tenant: <c>org_name</c>, which Auth0 puts in the tokens of a person signed in to the
    /// tenant's Organization (provisioning creates them and turns the tenant setting on), or a namespaced claim an Action adds.
    /// </summary>
    public string TenantClaim { get; set; } = "org_name";

    /// <summary>The name of the Secret holding the Portal's Auth0 application (keys <c>client-id</c>, <c>client-secret</c>); never the values.</summary>
    public string PortalClientSecret { get; set; } = "";

    /// <summary>The name Auth0 shows for the API (provisioning; the API is found by <see cref="Audience"/>).</summary>
    public string ApiName { get; set; } = "AeroGrid";

    /// <summary>The name of the Portal's application in Auth0, which provisioning finds it by.</summary>
    public string PortalApplication { get; set; } = "AeroGrid Portal";

    /// <summary>The name of the Operator's machine-to-machine application in Auth0, which provisioning finds it by.</summary>
    public string OperatorApplication { get; set; } = "AeroGrid Operator";
}

internal sealed class ImageSettings
{
    /// <summary>The Operator's image reference, e.g. <c>registry.example.com/aerogrid/operator:0.1.0</c>.</summary>
    public string Operator { get; set; } = "";

    public string Portal { get; set; } = "";
}

/// <summary>Where the Operator's builds push the apps' environments, as <c>{address}/{repository}:{dependency hash}</c>.</summary>
internal sealed class RegistrySettings
{
    /// <summary>The registry's host (and port), e.g. <c>registry.example.com</c>.</summary>
    public string Address { get; set; } = "";

    /// <summary>The repository the environments go to, e.g. <c>aerogrid/environments</c>.</summary>
    public string Repository { get; set; } = "";

    /// <summary>The Secret (a <c>kubernetes.io/dockerconfigjson</c>, in the platform namespace) builds push with; never its value.</summary>
    public string PushSecret { get; set; } = "aerogrid-registry-push";
}

internal sealed class TelemetrySettings
{
    /// <summary>Where the platform's services send OTLP (traces, metrics, logs); none when empty.</summary>
    public string OtlpEndpoint { get; set; } = "";

    /// <summary>
    /// Where apps send their request spans over OTLP/HTTP (the Python SDK speaks no gRPC), e.g. the collector's or
    /// Jaeger's port 4318: <c>http://otel-collector.observability:4318</c>; none when empty.
    /// </summary>
    public string AppsOtlpEndpoint { get; set; } = "";

    /// <summary>The mesh's tracing provider (an <c>extensionProviders</c> entry of the Istio install), e.g. an OpenTelemetry collector or Jaeger.</summary>
    public string TracingProvider { get; set; } = "otel";

    /// <summary>The share of requests the mesh traces, 0 to 100.</summary>
    public double TracingSamplingPercent { get; set; } = 10;
}

/// <summary>Settings that cannot be published from; the message names each field that is wrong.</summary>
internal sealed class PublishSettingsException(string message, IReadOnlyList<string> errors) : Exception(message)
{
    public IReadOnlyList<string> Errors { get; } = errors;

    public static PublishSettingsException InFile(string path, IReadOnlyList<string> errors) =>
        new($"{path} cannot be published from:\n" + string.Join('\n', errors.Select(e => "  " + e)), errors);

    public static PublishSettingsException Missing() =>
        new($"Publishing needs a settings file: pass --{PublishSettings.ConfigurationKey} <file> (samples/publish.yaml is an example).", []);
}
