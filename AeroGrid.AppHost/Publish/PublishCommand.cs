using System.Text.Json.Nodes;
using AeroGrid.Api.Schema;

namespace AeroGrid.AppHost.Publish;

/// <summary>
/// <c>publish --output &lt;dir&gt;</c>: renders the manifests that deploy AeroGrid to a Kubernetes cluster.
/// </summary>
internal static class PublishCommand
{
    private const int UsageError = 2;
    private const int WriteError = 1;

    /// <summary>What publish writes, in the order <c>kubectl apply</c> should see it: CRDs before anything using them.</summary>
    private static readonly ManifestFile[] Files =
    [
        new("crds.yaml", "the CustomResourceDefinitions of the aerogrid.io kinds", CrdGenerator.GenerateAll),
    ];

    /// <summary>Runs the command with the arguments after <c>publish</c>; returns the process exit code.</summary>
    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        string? directory = null;
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "-h" or "--help":
                    await output.WriteAsync(Usage());
                    return 0;
                case "-o" or "--output" when i + 1 < args.Count:
                    directory = args[++i];
                    break;
                case "-o" or "--output":
                    return await FailAsync(error, $"{args[i]} needs a directory");
                default:
                    return await FailAsync(error, $"unknown argument '{args[i]}'");
            }
        }
        if (directory is null)
        {
            return await FailAsync(error, "--output <dir> is required");
        }

        directory = Path.GetFullPath(directory);
        foreach (var file in Files)
        {
            var path = Path.Combine(directory, file.Name);
            var documents = file.Render();
            try
            {
                Directory.CreateDirectory(directory);
                await File.WriteAllTextAsync(path, ManifestWriter.Write(documents));
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                await error.WriteLineAsync($"publish: cannot write {path}: {exception.Message}");
                return WriteError;
            }
            await output.WriteLineAsync($"wrote {path}: {string.Join(", ", documents.Select(Describe))}");
        }
        return 0;
    }

    private static string Describe(JsonObject document) => $"{document["kind"]} {document["metadata"]?["name"]}";

    private static async Task<int> FailAsync(TextWriter error, string message)
    {
        await error.WriteLineAsync($"publish: {message}");
        await error.WriteAsync(Usage());
        return UsageError;
    }

    private static string Usage()
    {
        var width = Files.Max(file => file.Name.Length);
        return $"""
            Usage: dotnet run --project AeroGrid.AppHost -- publish --output <dir>

            Renders the manifests that deploy AeroGrid to a Kubernetes cluster into <dir>:
            {string.Join("\n", Files.Select(file => $"  {file.Name.PadRight(width)}  {file.Description}"))}

            Options:
              -o, --output <dir>  where to write the files (created if missing)
              -h, --help          show this help

            """;
    }
}
