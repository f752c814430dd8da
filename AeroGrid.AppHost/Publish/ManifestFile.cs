using System.Text.Json.Nodes;

namespace AeroGrid.AppHost.Publish;

/// <summary>One file <c>publish</c> writes: its name, what it holds, and how to render its documents.</summary>
internal sealed record ManifestFile(string Name, string Description, Func<IReadOnlyList<JsonObject>> Render);
