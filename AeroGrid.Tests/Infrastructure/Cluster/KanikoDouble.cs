namespace AeroGrid.Tests.Infrastructure.Cluster;

/// <summary>
/// A test double of the Kaniko executor (<c>gcr.io/kaniko-project/executor</c>), run by the kubelet double in place of a
/// container of that image. It builds what the platform's Dockerfile would: the context's <c>requirements.txt</c> installed
/// by a real <c>pip install --target</c> from a local wheelhouse, plus the <c>aerogrid</c> SDK, stored in the node's
/// images under <c>--destination</c>. pip's output is the build log; the exit code is 0 on success, 1 on failure.
/// </summary>
/// <remarks>
/// Left out: the Dockerfile is not interpreted (only its presence is checked, as Kaniko fails without one), there are no
/// layers, no base image, no cache and no registry protocol: <paramref name="push"/>, when given, is told the reference
/// after a build, so a registry double can learn of the tag.
/// </remarks>
internal sealed class KanikoDouble(NodeImages images, string wheelhouse, string python, Func<string, Task>? push)
{
    /// <summary>Whether a container of <paramref name="image"/> is a Kaniko executor.</summary>
    public static bool Runs(string image) => image.Contains("kaniko-project/executor", StringComparison.Ordinal);

    /// <summary>
    /// Builds as the executor would with <paramref name="args"/>; <paramref name="mapPath"/> maps a path of the container
    /// (its context and Dockerfile, in mounted volumes) to this machine, and <paramref name="mountPaths"/> are where the
    /// container has volumes mounted, which may put the context together file by file (<c>subPath</c> mounts).
    /// </summary>
    public async Task<int> BuildAsync(
        IReadOnlyList<string> args, Func<string, string> mapPath, IReadOnlyList<string> mountPaths, string workingDirectory, ContainerLog log,
        Action<int> started, TimeSpan gracePeriod, CancellationToken stop)
    {
        var flags = args.Select(arg => arg.Split('=', 2)).Where(pair => pair.Length == 2).ToDictionary(pair => pair[0], pair => pair[1], StringComparer.Ordinal);
        if (!flags.TryGetValue("--context", out var context) || !flags.TryGetValue("--destination", out var destination))
        {
            log.Write("stderr", "Error: kaniko needs --context and --destination");
            return 1;
        }
        var contextPath = (context.StartsWith("dir://", StringComparison.Ordinal) ? context["dir://".Length..] : context).TrimEnd('/');
        var contextDirectory = AssembleContext(contextPath, mapPath, mountPaths);
        try
        {
            var dockerfile = flags.TryGetValue("--dockerfile", out var named)
                ? Path.IsPathRooted(named) ? mapPath(named) : Path.Combine(contextDirectory, named)
                : Path.Combine(contextDirectory, "Dockerfile");
            if (!File.Exists(dockerfile))
            {
                log.Write("stderr", $"Error: error resolving dockerfile path: please provide a valid path to a Dockerfile within the build context with --dockerfile ({named ?? "Dockerfile"})");
                return 1;
            }
            var requirements = Path.Combine(contextDirectory, "requirements.txt");
            // The platform's Dockerfile copies requirements.txt: without it the COPY fails, as in Kaniko.
            if (!File.Exists(requirements))
            {
                log.Write("stderr", "error building image: error building stage: failed to get files used from context: no such file or directory: requirements.txt");
                return 1;
            }
            var image = images.Staging();
            string[] pip = [python, "-m", "pip", "install", "--no-index", "--find-links", wheelhouse, "--target", image,
                "--disable-pip-version-check", "--no-input", "-r", requirements];
            var environment = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["PATH"] = Environment.GetEnvironmentVariable("PATH") ?? "",
                ["HOME"] = workingDirectory,
                ["LANG"] = "C.UTF-8",
            };
            var exitCode = await ContainerProcess.RunAsync(pip, workingDirectory, environment, log, started, gracePeriod, stop);
            if (exitCode != 0 || stop.IsCancellationRequested)
            {
                Directory.Delete(image, recursive: true);
                log.Write("stderr", $"error building image: error building stage: failed to execute command: pip install exited with code {exitCode}");
                return 1;
            }
            var sdk = Directory.Exists(Path.Combine(contextDirectory, "aerogrid")) ? Path.Combine(contextDirectory, "aerogrid") : Path.Combine(RepoPaths.Root, "python", "aerogrid");
            NodeImages.CopyDirectory(sdk, Path.Combine(image, "aerogrid"));
            images.Commit(destination, image);
            log.Write("stderr", $"INFO Pushing image to {destination}");
            if (push is not null)
            {
                await push(destination);
            }
            log.Write("stderr", $"INFO Pushed {destination}");
            return 0;
        }
        finally
        {
            Directory.Delete(contextDirectory, recursive: true);
        }
    }

    /// <summary>
    /// The build context as the container sees it, copied into one folder: what is mounted at the context's path, and
    /// each volume mounted inside it, a file at a time with <c>subPath</c>.
    /// </summary>
    private static string AssembleContext(string contextPath, Func<string, string> mapPath, IReadOnlyList<string> mountPaths)
    {
        var assembled = Directory.CreateTempSubdirectory("aerogrid-kaniko-context-").FullName;
        if (Directory.Exists(mapPath(contextPath)))
        {
            NodeImages.CopyDirectory(mapPath(contextPath), assembled);
        }
        foreach (var mountPath in mountPaths.Where(path => path.StartsWith(contextPath + "/", StringComparison.Ordinal)))
        {
            var target = Path.Combine(assembled, mountPath[(contextPath.Length + 1)..]);
            var source = mapPath(mountPath);
            if (File.Exists(source))
            {
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(source, target, overwrite: true);
            }
            else if (Directory.Exists(source))
            {
                NodeImages.CopyDirectory(source, target);
            }
        }
        return assembled;
    }
}
