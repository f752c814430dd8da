using System.Text.Json.Nodes;
using AeroGrid.AppHost.Publish;
using AeroGrid.Tests.Infrastructure;

namespace AeroGrid.Tests.Schema;

/// <summary>The platform and the tenants as <c>publish</c> renders them from the sample settings, checked as a cluster would.</summary>
public sealed class ProductionManifestTests
{
    private static readonly PublishSettings Settings = PublishSettings.Load(Path.Combine(RepoPaths.Root, "samples", "publish.yaml"));

    private static IReadOnlyList<JsonObject> Rendered() => YamlManifests.Parse(Yaml(Settings));

    private static string Yaml(PublishSettings settings) => ManifestWriter.Write(
        [.. PlatformManifests.Render(settings), .. TenantManifests.Render(settings), .. IstioManifests.Render(settings), .. TelemetryManifests.Render(settings)]);

    private static JsonObject Single(string kind, string name) =>
        Rendered().Single(d => (string?)d["kind"] == kind && (string?)d["metadata"]!["name"] == name);

    [Fact]
    public async Task Every_document_validates_strictly_against_the_kubernetes_schemas()
    {
        var problems = new List<string>();
        foreach (var document in Rendered())
        {
            problems.AddRange((await ManifestSchemas.ProblemsAsync(document)).Select(p => $"{document["kind"]} {document["metadata"]?["name"]}: {p}"));
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    /// <summary>Proof that the check above can fail: each row damages one field of the Operator's Deployment.</summary>
    [Theory]
    [InlineData("/spec/replica", "1")]
    [InlineData("/spec/template/spec/containers/0/ports/0/containerPort", "\"8080\"")]
    [InlineData("/spec/selector", null)]
    public async Task A_damaged_deployment_is_refused(string pointer, string? json)
    {
        var deployment = Single("Deployment", "aerogrid-operator");
        JsonEdits.Replace(deployment, pointer, json);
        Assert.NotEmpty(await ManifestSchemas.ProblemsAsync(deployment));
    }

    [Fact]
    public void The_same_settings_render_byte_identical_output() =>
        Assert.Equal(Yaml(Settings), Yaml(PublishSettings.Load(Path.Combine(RepoPaths.Root, "samples", "publish.yaml"))));

    [Fact]
    public void Each_tenant_gets_a_namespace_in_the_mesh_with_a_quota_limits_and_a_network_policy()
    {
        foreach (var tenant in Settings.Tenants)
        {
            var ns = Single("Namespace", tenant);
            Assert.Equal("enabled", (string?)ns["metadata"]!["labels"]!["istio-injection"]);
            Assert.Equal(tenant, (string?)ns["metadata"]!["labels"]![TenantManifests.TenantLabel]);
            var inTenant = Rendered().Where(d => (string?)d["metadata"]!["namespace"] == tenant).Select(d => (string?)d["kind"]).Distinct().Order();
            Assert.Equal(["AuthorizationPolicy", "LimitRange", "NetworkPolicy", "ResourceQuota"], inTenant);
        }
    }

    [Fact]
    public void Secrets_are_referenced_never_written_and_the_portal_has_no_token_of_its_own()
    {
        Assert.DoesNotContain(Rendered(), d => (string?)d["kind"] == "Secret");
        var portal = Single("Deployment", "aerogrid-portal")["spec"]!["template"]!["spec"]!["containers"]![0]!;
        var clientSecret = portal["env"]!.AsArray().Single(e => (string?)e!["name"] == "Portal__ClientSecret")!;
        Assert.Null(clientSecret["value"]);
        Assert.Equal(Settings.Auth0.PortalClientSecret, (string?)clientSecret["valueFrom"]!["secretKeyRef"]!["name"]);
        Assert.False((bool?)Single("ServiceAccount", "aerogrid-portal")["automountServiceAccountToken"]);
    }

    [Fact]
    public void The_operators_role_names_every_resource_and_verb_it_needs_and_no_wildcard()
    {
        var rules = Single("ClusterRole", "aerogrid-operator")["rules"]!.AsArray();
        var everything = rules.SelectMany(r => r!["resources"]!.AsArray().Concat(r["verbs"]!.AsArray()).Concat(r["apiGroups"]!.AsArray()))
            .Select(n => (string?)n);
        Assert.DoesNotContain("*", everything);
        Assert.Contains(rules, r => r!["resources"]!.AsArray().Any(x => (string?)x == "apps/status"));
        Assert.DoesNotContain(rules, r => r!["resources"]!.AsArray().Any(x => (string?)x == "secrets"));
    }

    [Fact]
    public void The_operator_may_read_one_secret_the_registrys_push_credentials_named_in_its_environment()
    {
        var role = Single("Role", "aerogrid-operator-registry");
        Assert.Equal(Settings.Namespace, (string?)role["metadata"]!["namespace"]);
        var rule = role["rules"]!.AsArray().Single()!;
        Assert.Equal(["secrets"], rule["resources"]!.AsArray().Select(v => (string?)v));
        Assert.Equal([Settings.Registry.PushSecret], rule["resourceNames"]!.AsArray().Select(v => (string?)v));
        Assert.Equal(["get"], rule["verbs"]!.AsArray().Select(v => (string?)v));
        var binding = Single("RoleBinding", "aerogrid-operator-registry");
        Assert.Equal("aerogrid-operator", (string?)binding["subjects"]![0]!["name"]);

        var environment = Single("Deployment", "aerogrid-operator")["spec"]!["template"]!["spec"]!["containers"]![0]!["env"]!.AsArray()
            .ToDictionary(e => (string)e!["name"]!, e => (string?)e!["value"]);
        Assert.Equal("kubernetes", environment["Operator__Backend"]);
        Assert.Equal($"{Settings.Namespace}/aerogrid", environment["Operator__Kubernetes__Gateway"]);
        Assert.Equal(Settings.Registry.PushSecret, environment["Operator__Kubernetes__PushSecret"]);
        Assert.Equal(Settings.Registry.Address, environment["Operator__Kubernetes__Registry"]);
    }

    [Fact]
    public void The_platforms_services_sample_traces_as_the_mesh_does_and_keep_a_callers_decision()
    {
        foreach (var name in new[] { "aerogrid-operator", "aerogrid-portal" })
        {
            var environment = Single("Deployment", name)["spec"]!["template"]!["spec"]!["containers"]![0]!["env"]!.AsArray()
                .Where(e => e!["value"] is not null).ToDictionary(e => (string)e!["name"]!, e => (string?)e!["value"]);
            Assert.Equal("parentbased_traceidratio", environment["OTEL_TRACES_SAMPLER"]);
            Assert.Equal(Settings.Telemetry.TracingSamplingPercent / 100, double.Parse(environment["OTEL_TRACES_SAMPLER_ARG"]!, System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    [Fact]
    public void The_operator_sends_the_apps_spans_over_otlp_http_at_the_meshs_sampling()
    {
        var environment = Single("Deployment", "aerogrid-operator")["spec"]!["template"]!["spec"]!["containers"]![0]!["env"]!.AsArray()
            .Where(e => e!["value"] is not null).ToDictionary(e => (string)e!["name"]!, e => (string?)e!["value"]);
        Assert.StartsWith("http://", Settings.Telemetry.AppsOtlpEndpoint, StringComparison.Ordinal);
        Assert.EndsWith(":4318", Settings.Telemetry.AppsOtlpEndpoint, StringComparison.Ordinal);
        Assert.Equal(Settings.Telemetry.AppsOtlpEndpoint, environment["Operator__AppTelemetry__OtlpEndpoint"]);
        Assert.Equal("parentbased_traceidratio", environment["Operator__AppTelemetry__Sampler"]);
        Assert.Equal(environment["OTEL_TRACES_SAMPLER_ARG"], environment["Operator__AppTelemetry__SamplerArg"]);
    }

    [Fact]
    public void The_platform_runs_non_root_read_only_and_rolls_out_without_losing_a_replica()
    {
        foreach (var name in new[] { "aerogrid-operator", "aerogrid-portal" })
        {
            var deployment = Single("Deployment", name);
            var pod = deployment["spec"]!["template"]!["spec"]!;
            var container = pod["containers"]![0]!;
            Assert.True((bool?)pod["securityContext"]!["runAsNonRoot"]);
            Assert.True((bool?)container["securityContext"]!["readOnlyRootFilesystem"]);
            Assert.False((bool?)container["securityContext"]!["allowPrivilegeEscalation"]);
            Assert.Equal(0L, (long?)deployment["spec"]!["strategy"]!["rollingUpdate"]!["maxUnavailable"]);
            Assert.Equal("/health", (string?)container["readinessProbe"]!["httpGet"]!["path"]);
            Assert.Contains(container["env"]!.AsArray(), e => (string?)e!["name"] == "Auth__Authority" && (string?)e["value"] == $"https://{Settings.Auth0.Domain}/");
        }
        Assert.Equal(1L, (long?)Single("PodDisruptionBudget", "aerogrid-portal")["spec"]!["minAvailable"]);
    }

    [Fact]
    public void Mutual_tls_is_strict_mesh_wide_and_the_ingress_checks_auth0_tokens()
    {
        var peer = Single("PeerAuthentication", "default");
        Assert.Equal("istio-system", (string?)peer["metadata"]!["namespace"]);
        Assert.Equal("STRICT", (string?)peer["spec"]!["mtls"]!["mode"]);
        var rule = Single("RequestAuthentication", "auth0")["spec"]!["jwtRules"]![0]!;
        Assert.Equal($"https://{Settings.Auth0.Domain}/", (string?)rule["issuer"]);
        Assert.Equal([Settings.Auth0.Audience], rule["audiences"]!.AsArray().Select(a => (string?)a));
        var deny = Single("AuthorizationPolicy", "apps-require-a-token")["spec"]!;
        Assert.Equal("DENY", (string?)deny["action"]);
        Assert.Equal("/apps/*", (string?)deny["rules"]![0]!["to"]![0]!["operation"]!["paths"]![0]);
    }

    [Fact]
    public void A_tenants_namespace_denies_by_default_and_admits_only_its_own_callers_with_apps_invoke()
    {
        foreach (var tenant in Settings.Tenants)
        {
            var policies = Rendered().Where(d => (string?)d["kind"] == "AuthorizationPolicy" && (string?)d["metadata"]!["namespace"] == tenant).ToList();
            Assert.Equal(["default-deny", "platform", "tenant-callers"], policies.Select(p => (string?)p["metadata"]!["name"]).Order());
            Assert.Empty(policies.Single(p => (string?)p["metadata"]!["name"] == "default-deny")["spec"]!.AsObject());
            var callers = policies.Single(p => (string?)p["metadata"]!["name"] == "tenant-callers")["spec"]!["rules"]![0]!["when"]!.AsArray();
            Assert.Contains(callers, c => (string?)c!["key"] == $"request.auth.claims[{Settings.Auth0.TenantClaim}]" && (string?)c["values"]![0] == tenant);
            Assert.Contains(callers, c => (string?)c!["key"] == "request.auth.claims[permissions]" && (string?)c["values"]![0] == "apps:invoke");
        }
    }

    /// <summary>
    /// The mesh and the services agree on whose token it is: both read the one claim the settings name, the Organization's
    /// name that Auth0 provisioning makes Auth0 put in tokens.
    /// </summary>
    [Fact]
    public void The_tenant_policies_read_the_claim_the_services_read()
    {
        Assert.Equal("org_name", Settings.Auth0.TenantClaim);
        foreach (var name in new[] { "aerogrid-operator", "aerogrid-portal" })
        {
            var env = Single("Deployment", name)["spec"]!["template"]!["spec"]!["containers"]![0]!["env"]!.AsArray();
            Assert.Contains(env, e => (string?)e!["name"] == "Auth__TenantClaim" && (string?)e["value"] == "org_name");
        }
        var callers = Rendered().Where(d => (string?)d["metadata"]!["name"] == "tenant-callers").ToList();
        Assert.Equal(Settings.Tenants.Count, callers.Count);
        Assert.All(callers, policy => Assert.Contains(policy["spec"]!["rules"]![0]!["when"]!.AsArray(),
            c => (string?)c!["key"] == "request.auth.claims[org_name]" && (string?)c["values"]![0] == (string?)policy["metadata"]!["namespace"]));
    }
}
