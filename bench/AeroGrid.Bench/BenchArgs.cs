namespace AeroGrid.Bench;

internal static class BenchArgs
{
    /// <summary>The value of <c>--name N</c>, or the default.</summary>
    public static int Int(string[] args, string name, int fallback)
    {
        var at = Array.IndexOf(args, "--" + name);
        return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], System.Globalization.CultureInfo.InvariantCulture) : fallback;
    }
}
