using System.Text.Json.Nodes;

namespace AeroGrid.AppHost.Publish;

/// <summary>
/// Telemetry in a cluster: Istio's Telemetry resource (traces to the mesh's OpenTelemetry provider, Prometheus metrics),
/// a ServiceMonitor for the platform's own <c>/metrics</c> and a PodMonitor for the sidecars in the tenants' namespaces.
/// </summary>
internal static class TelemetryManifests
{
    public static IReadOnlyList<JsonObject> Render(PublishSettings settings) =>
    [
        // The provider is the mesh's: install Istio with an extensionProviders entry of that name (docs/production.md).
        IstioManifests.Document("telemetry.istio.io/v1", "Telemetry", "mesh-default", "istio-system", new JsonObject
        {
            ["tracing"] = new JsonArray(new JsonObject
            {
                ["providers"] = new JsonArray(new JsonObject { ["name"] = settings.Telemetry.TracingProvider }),
                ["randomSamplingPercentage"] = settings.Telemetry.TracingSamplingPercent,
            }),
            ["metrics"] = new JsonArray(new JsonObject
            {
                ["providers"] = new JsonArray(new JsonObject { ["name"] = "prometheus" }),
            }),
        }),
        IstioManifests.Document("monitoring.coreos.com/v1", "ServiceMonitor", "aerogrid-platform", settings.Namespace, new JsonObject
        {
            ["selector"] = new JsonObject { ["matchLabels"] = new JsonObject { ["app.kubernetes.io/part-of"] = "aerogrid" } },
            ["endpoints"] = new JsonArray(new JsonObject { ["port"] = "http", ["path"] = "/metrics", ["interval"] = "30s" }),
        }),
        IstioManifests.Document("monitoring.coreos.com/v1", "PodMonitor", "aerogrid-app-sidecars", settings.Namespace, new JsonObject
        {
            ["namespaceSelector"] = new JsonObject { ["matchNames"] = new JsonArray([.. settings.Tenants.Order(StringComparer.Ordinal).Select(t => JsonValue.Create(t))]) },
            ["selector"] = new JsonObject(),
            ["podMetricsEndpoints"] = new JsonArray(new JsonObject { ["port"] = "http-envoy-prom", ["path"] = "/stats/prometheus", ["interval"] = "30s" }),
        }),
    ];
}
