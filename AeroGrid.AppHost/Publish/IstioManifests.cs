using System.Text.Json.Nodes;
using AeroGrid.AppHost.Auth0;

namespace AeroGrid.AppHost.Publish;

/// <summary>
/// What Istio enforces in a cluster, meaning what the local gateway enforces (see docs/production.md for the two side
/// by side): a Gateway for the platform's host, the Portal's route, mutual TLS mesh-wide, Auth0 tokens checked at the
/// ingress gateway, and per tenant namespace a default deny with only the ingress gateway (for a tenant's own callers
/// with <c>apps:invoke</c>, or the platform identity) and the platform let in.
/// </summary>
/// <remarks>KubernetesClient has no Istio models, so these are written as the JSON the Istio CRDs define.</remarks>
internal static class IstioManifests
{
    /// <summary>The Istio root namespace, where mesh-wide policy lives, and the ingress gateway's.</summary>
    private const string IstioNamespace = "istio-system";
    public const string GatewayName = "aerogrid";
    private const string IngressServiceAccount = "istio-ingressgateway-service-account";

    public static IReadOnlyList<JsonObject> Render(PublishSettings settings)
    {
        var issuer = $"https://{settings.Auth0.Domain}/";
        List<JsonObject> documents =
        [
            Document("networking.istio.io/v1", "Gateway", GatewayName, settings.Namespace, new JsonObject
            {
                ["selector"] = new JsonObject { ["istio"] = "ingressgateway" },
                ["servers"] = new JsonArray(
                    new JsonObject
                    {
                        ["port"] = new JsonObject { ["number"] = 443, ["name"] = "https", ["protocol"] = "HTTPS" },
                        ["hosts"] = new JsonArray(settings.Domain),
                        ["tls"] = new JsonObject { ["mode"] = "SIMPLE", ["credentialName"] = settings.TlsSecret },
                    },
                    new JsonObject
                    {
                        ["port"] = new JsonObject { ["number"] = 80, ["name"] = "http", ["protocol"] = "HTTP" },
                        ["hosts"] = new JsonArray(settings.Domain),
                        ["tls"] = new JsonObject { ["httpsRedirect"] = true },
                    }),
            }),
            // The Portal takes what no app route takes; the Operator's per-app VirtualServices match /apps/{tenant}/{app}.
            Document("networking.istio.io/v1", "VirtualService", "aerogrid-portal", settings.Namespace, new JsonObject
            {
                ["hosts"] = new JsonArray(settings.Domain),
                ["gateways"] = new JsonArray($"{settings.Namespace}/{GatewayName}"),
                ["http"] = new JsonArray(new JsonObject
                {
                    ["name"] = "portal",
                    ["match"] = new JsonArray(new JsonObject { ["uri"] = new JsonObject { ["prefix"] = "/" } }),
                    ["route"] = new JsonArray(new JsonObject
                    {
                        ["destination"] = new JsonObject
                        {
                            ["host"] = $"aerogrid-portal.{settings.Namespace}.svc.cluster.local",
                            ["port"] = new JsonObject { ["number"] = 80 },
                        },
                    }),
                }),
            }),
            Document("security.istio.io/v1", "PeerAuthentication", "default", IstioNamespace, new JsonObject
            {
                ["mtls"] = new JsonObject { ["mode"] = "STRICT" },
            }),
            // Mesh-wide (no selector, in the root namespace): the ingress gateway checks the token, and each app's sidecar
            // checks the forwarded one again, so a tenant's policy can read its claims.
            Document("security.istio.io/v1", "RequestAuthentication", "auth0", IstioNamespace, new JsonObject
            {
                ["jwtRules"] = new JsonArray(new JsonObject
                {
                    ["issuer"] = issuer,
                    ["jwksUri"] = $"{issuer}.well-known/jwks.json",
                    ["audiences"] = new JsonArray(settings.Auth0.Audience),
                    // The sidecars behind the gateway, the apps and the Portal read the caller's token too.
                    ["forwardOriginalToken"] = true,
                }),
            }),
            // A call to an app without a token stops at the edge; a bad or expired token is refused by the rule above.
            Document("security.istio.io/v1", "AuthorizationPolicy", "apps-require-a-token", IstioNamespace, new JsonObject
            {
                ["selector"] = IngressSelector(),
                ["action"] = "DENY",
                ["rules"] = new JsonArray(new JsonObject
                {
                    ["from"] = new JsonArray(new JsonObject { ["source"] = new JsonObject { ["notRequestPrincipals"] = new JsonArray("*") } }),
                    ["to"] = new JsonArray(new JsonObject { ["operation"] = new JsonObject { ["paths"] = new JsonArray("/apps/*") } }),
                }),
            }),
        ];
        foreach (var tenant in settings.Tenants.Order(StringComparer.Ordinal))
        {
            documents.AddRange(TenantPolicies(settings, tenant, issuer));
        }
        return documents;
    }

    private static IEnumerable<JsonObject> TenantPolicies(PublishSettings settings, string tenant, string issuer)
    {
        // An empty policy denies everything the policies below do not allow. The kubelet's probes are not affected:
        // the sidecar rewrites them to its own port, outside authorization, so health checks keep working.
        yield return Document("security.istio.io/v1", "AuthorizationPolicy", "default-deny", tenant, new JsonObject());
        var fromIngress = new JsonObject
        {
            ["source"] = new JsonObject
            {
                ["principals"] = new JsonArray($"cluster.local/ns/{IstioNamespace}/sa/{IngressServiceAccount}"),
                ["requestPrincipals"] = new JsonArray($"{issuer}*"),
            },
        };
        yield return Document("security.istio.io/v1", "AuthorizationPolicy", "tenant-callers", tenant, new JsonObject
        {
            ["action"] = "ALLOW",
            ["rules"] = new JsonArray(
                new JsonObject
                {
                    ["from"] = new JsonArray(fromIngress.DeepClone()),
                    ["when"] = new JsonArray(
                        Claim(settings.Auth0.TenantClaim, tenant),
                        Claim("permissions", ApiPermissions.AppsInvoke)),
                },
                new JsonObject
                {
                    ["from"] = new JsonArray(fromIngress.DeepClone()),
                    ["when"] = new JsonArray(Claim("permissions", ApiPermissions.PlatformAdmin)),
                }),
        });
        yield return Document("security.istio.io/v1", "AuthorizationPolicy", "platform", tenant, new JsonObject
        {
            ["action"] = "ALLOW",
            ["rules"] = new JsonArray(new JsonObject
            {
                ["from"] = new JsonArray(new JsonObject { ["source"] = new JsonObject { ["namespaces"] = new JsonArray(settings.Namespace) } }),
            }),
        });
    }

    private static JsonObject Claim(string name, string value) =>
        new() { ["key"] = $"request.auth.claims[{name}]", ["values"] = new JsonArray(value) };

    private static JsonObject IngressSelector() =>
        new() { ["matchLabels"] = new JsonObject { ["istio"] = "ingressgateway" } };

    public static JsonObject Document(string apiVersion, string kind, string name, string @namespace, JsonObject spec) => new()
    {
        ["apiVersion"] = apiVersion,
        ["kind"] = kind,
        ["metadata"] = new JsonObject
        {
            ["name"] = name,
            ["namespace"] = @namespace,
            ["labels"] = new JsonObject { ["app.kubernetes.io/part-of"] = "aerogrid" },
        },
        ["spec"] = spec,
    };
}
