namespace AeroGrid.Tests.ServiceDefaults;

/// <summary>One sample line of a Prometheus scrape, label values unescaped.</summary>
public sealed record PrometheusSample(string Name, IReadOnlyDictionary<string, string> Labels, double Value)
{
    public string? Label(string name) => Labels.GetValueOrDefault(name);
}
