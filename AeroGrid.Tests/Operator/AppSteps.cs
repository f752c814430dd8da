using System.Text.Json;
using AeroGrid.Api.Resources;
using AeroGrid.Tests.Infrastructure;

namespace AeroGrid.Tests.Operator;

/// <summary>What the Operator tests do with apps of tenant <c>acme</c>: create, edit, and wait for a state.</summary>
internal sealed class AppSteps(OperatorFixture platform)
{
    public const string Tenant = "acme";

    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    public static App NewApp(string name, string code, string requirements = "") => new()
    {
        Metadata = new() { Name = name, NamespaceProperty = Tenant },
        Spec = new()
        {
            Files = [new() { Path = "app.py", Content = code }, new() { Path = "requirements.txt", Content = requirements }],
        },
    };

    public static AppSpec WithFile(AppSpec spec, string path, string content) =>
        spec with { Files = [.. spec.Files.Where(f => f.Path != path), new() { Path = path, Content = content }] };

    public async Task<App> WaitAsync(string name, Func<App, bool> condition, string what) =>
        await Eventually.GetAsync(async () =>
        {
            var app = await platform.Api.Apps.GetAsync(Tenant, name);
            return condition(app) ? app : null;
        }, Timeout, () => $"{name}: {what}; status: {JsonSerializer.Serialize(platform.Api.Apps.GetAsync(Tenant, name).Result.Status)}");

    public Task<App> RunningAsync(string name, long generation) =>
        WaitAsync(name, a => a.Status is { Phase: AppPhase.Running, Endpoints.Count: > 0 } s && s.ObservedGeneration == generation, $"Running at generation {generation}");

    public async Task<App> EditAsync(string name, Func<AppSpec, AppSpec> edit)
    {
        var app = await platform.Api.Apps.GetAsync(Tenant, name);
        return await platform.Api.Apps.UpdateAsync(app with { Spec = edit(app.Spec) });
    }
}
