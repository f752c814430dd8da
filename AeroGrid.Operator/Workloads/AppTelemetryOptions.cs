namespace AeroGrid.Operator.Workloads;

/// <summary>
/// Where apps send the spans of their requests (the Python SDK's OTLP/HTTP exporter), the same for both backends.
/// Bound from <c>Operator:AppTelemetry</c>.
/// </summary>
internal sealed class AppTelemetryOptions
{
    public const string SectionName = "Operator:AppTelemetry";

    /// <summary>
    /// An OTLP/HTTP base address (the SDK posts to <c>{it}/v1/traces</c>): the Aspire dashboard's locally, the collector's
    /// or Jaeger's port 4318 in a cluster. Empty: apps export no traces.
    /// </summary>
    public string OtlpEndpoint { get; set; } = "";

    /// <summary>Its <c>OTEL_EXPORTER_OTLP_HEADERS</c> (<c>name=value,...</c>), such as the Aspire dashboard's API key.</summary>
    public string Headers { get; set; } = "";

    /// <summary>An <c>OTEL_TRACES_SAMPLER</c> for apps; empty: the SDK's default, <c>parentbased_always_on</c>.</summary>
    public string Sampler { get; set; } = "";

    /// <summary>Its <c>OTEL_TRACES_SAMPLER_ARG</c> (the ratio of a <c>traceidratio</c> sampler).</summary>
    public string SamplerArg { get; set; } = "";

    /// <summary>
    /// The standard <c>OTEL_*</c> variables of one revision's processes: the service is <c>{app}.{tenant}</c>, and the
    /// resource names tenant, app and revision, so the dashboard and Jaeger tell apps and revisions apart.
    /// </summary>
    public IEnumerable<KeyValuePair<string, string>> Variables(AppRevision revision)
    {
        if (OtlpEndpoint.Length == 0)
        {
            yield break;
        }
        var number = revision.Revision.ToString(System.Globalization.CultureInfo.InvariantCulture);
        yield return new("OTEL_EXPORTER_OTLP_ENDPOINT", OtlpEndpoint);
        yield return new("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf");
        if (Headers.Length > 0)
        {
            yield return new("OTEL_EXPORTER_OTLP_HEADERS", Headers);
        }
        yield return new("OTEL_SERVICE_NAME", $"{revision.Name}.{revision.Namespace}");
        // Tenant and app names are DNS labels: nothing in them needs the variable's percent-encoding.
        yield return new("OTEL_RESOURCE_ATTRIBUTES",
            $"service.namespace={revision.Namespace},service.version={number},aerogrid.tenant={revision.Namespace},aerogrid.app={revision.Name},aerogrid.revision={number}");
        if (Sampler.Length > 0)
        {
            yield return new("OTEL_TRACES_SAMPLER", Sampler);
        }
        if (SamplerArg.Length > 0)
        {
            yield return new("OTEL_TRACES_SAMPLER_ARG", SamplerArg);
        }
    }
}
