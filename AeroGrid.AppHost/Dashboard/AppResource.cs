namespace AeroGrid.AppHost.Dashboard;

/// <summary>A tenant's App shown in the Aspire dashboard, named <c>{app}.{tenant}</c> (a dot is in no DNS label, so names never clash).</summary>
internal sealed class AppResource(string @namespace, string app) : Resource($"{app}.{@namespace}")
{
    public string Namespace { get; } = @namespace;

    public string App { get; } = app;
}
