using AeroGrid.Api.Resources;
using Microsoft.Extensions.Options;

namespace AeroGrid.Portal.Templates;

/// <summary>A starting point for a new app: its files and a sentence about it.</summary>
internal sealed record AppTemplate(string Name, string Title, string Description, IReadOnlyList<AppFile> Files);

/// <summary>
/// The templates a new app can start from. Their files are the repository's samples (built into the Portal's
/// output as <c>templates/&lt;name&gt;</c>), so a template is always an app that is known to run.
/// </summary>
internal sealed class TemplateCatalog(IOptions<PortalOptions> options)
{
    private static readonly (string Name, string Title, string Description)[] Known =
    [
        ("hello", "Hello, world", "The smallest app: GET / answers with a JSON greeting."),
        ("orders", "Orders grid", "A live grid of orders whose statuses move on their own, with Server-Sent Events and a topic."),
        ("blank", "Empty app", "Start from scratch: one route and an empty requirements.txt."),
    ];

    private readonly Lazy<IReadOnlyList<AppTemplate>> _all = new(() => Load(options.Value.TemplatesDirectory));

    public IReadOnlyList<AppTemplate> All => _all.Value;

    private static List<AppTemplate> Load(string directory)
    {
        var root = Path.GetFullPath(directory, AppContext.BaseDirectory);
        return
        [
            .. Known.Select(t => new AppTemplate(t.Name, t.Title, t.Description, Files(Path.Combine(root, t.Name))))
                .Where(t => t.Files.Count > 0),
        ];
    }

    private static List<AppFile> Files(string folder) => !Directory.Exists(folder)
        ? []
        : [
            .. Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
                .Select(path => new AppFile { Path = Path.GetRelativePath(folder, path).Replace('\\', '/'), Content = File.ReadAllText(path) })
                // The entrypoint first: it is the file a person opens.
                .OrderBy(f => f.Path == AppDefaults.Entrypoint ? 0 : 1).ThenBy(f => f.Path, StringComparer.Ordinal),
        ];
}
