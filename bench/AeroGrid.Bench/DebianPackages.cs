using System.Diagnostics;

namespace AeroGrid.Bench;

/// <summary>The load tool and the reference proxy come from Debian; installed on first use when missing.</summary>
internal static class DebianPackages
{
    private static readonly string[] BinaryDirectories = ["/usr/bin", "/usr/sbin", "/usr/local/bin", "/usr/local/sbin"];

    /// <summary>The full path of <paramref name="command"/>, installing <paramref name="package"/> with apt-get when it is not on this machine.</summary>
    public static async Task<string> RequireAsync(string command, string package)
    {
        if (Find(command) is { } path)
        {
            return path;
        }
        Console.WriteLine($"{command} is missing; installing the Debian package {package}");
        // Through env, because sudo drops the caller's environment.
        string[] apt = [.. Environment.UserName == "root" ? [] : new[] { "sudo" }, "env", "DEBIAN_FRONTEND=noninteractive", "apt-get"];
        await RunAsync([.. apt, "update", "-qq"]);
        await RunAsync([.. apt, "install", "-y", "-qq", "--no-install-recommends", package]);
        return Find(command) ?? throw new InvalidOperationException($"{command} is still missing after installing {package}");
    }

    private static string? Find(string command) =>
        BinaryDirectories.Select(dir => Path.Combine(dir, command)).FirstOrDefault(File.Exists);

    private static async Task RunAsync(string[] command)
    {
        var info = new ProcessStartInfo(command[0]);
        foreach (var arg in command.Skip(1))
        {
            info.ArgumentList.Add(arg);
        }
        using var process = Process.Start(info)!;
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{string.Join(' ', command)} exited with {process.ExitCode}");
        }
    }
}
