namespace AeroGrid.Tests.ServiceDefaults;

/// <summary>
/// The test classes that read an in-process app's own ASP.NET Core and HttpClient metrics run one at a time, after the
/// parallel ones.
/// </summary>
/// <remarks>
/// A meter provider listens to meters by name, process-wide, so each app's provider also takes in every other in-process
/// host's <c>Microsoft.AspNetCore.Hosting</c> meter, and the SDK merges instruments of one name into one metric. When
/// another host stops (a test double, an app of a finished class), its meter's disposal ends that shared metric, and
/// <c>http.server.request.duration</c> drops out of the scrape; while both run, the other host's Kestrel series repeat
/// this app's, which the exposition format forbids. A service's own process has one host.
/// </remarks>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class InProcessHostsGroup
{
    public const string Name = "In-process hosts with ServiceDefaults";
}
