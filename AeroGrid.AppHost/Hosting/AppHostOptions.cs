using System.Globalization;

namespace AeroGrid.AppHost.Hosting;

/// <summary>Ports, data directory and package sources of the local platform: flags first, then AEROGRID_* variables, then defaults.</summary>
internal sealed record AppHostOptions
{
    public string DataDirectory { get; init; } = Path.Combine(Environment.CurrentDirectory, ".aerogrid");
    public int ApiPort { get; init; } = 7440;
    public int ApiHttpsPort { get; init; } = 7443;
    public int OperatorPort { get; init; } = 7460;
    public int GatewayPort { get; init; } = 7480;
    public int PortalPort { get; init; } = 7400;
    public IReadOnlyList<string> Tenants { get; init; } = ["demo"];
    public string PipIndexUrl { get; init; } = "";
    public string PipFindLinks { get; init; } = "";

    public const string Usage = """
        Runs the AeroGrid platform on this machine: control plane (API + dev issuer), operator, gateway, portal.

        usage: dotnet run --project AeroGrid.AppHost [-- options]
               dotnet run --project AeroGrid.AppHost -- publish --output <dir>

        options (each also read from the environment variable in brackets):
          --data-dir <path>        where state lives            [AEROGRID_DATA_DIR]     default ./.aerogrid
          --api-port <port>        control plane API (HTTP)     [AEROGRID_API_PORT]     default 7440
          --api-https-port <port>  control plane API for kubectl [AEROGRID_API_HTTPS_PORT] default 7443
          --operator-port <port>   operator (logs, health)      [AEROGRID_OPERATOR_PORT] default 7460
          --gateway-port <port>    gateway for /apps/...        [AEROGRID_GATEWAY_PORT] default 7480
          --portal-port <port>     portal (web console)         [AEROGRID_PORTAL_PORT]  default 7400
          --tenants <a,b,...>      tenants created at start     [AEROGRID_TENANTS]      default demo
          --pip-index-url <url>    package index for apps       [AEROGRID_PIP_INDEX_URL]
          --pip-find-links <dir>   local wheel folder for apps  [AEROGRID_PIP_FIND_LINKS]
          --help                   this text
        """;

    /// <exception cref="ArgumentException">An unknown flag or a bad value, with a sentence saying which.</exception>
    public static AppHostOptions Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
            {
                throw new ArgumentException($"unexpected argument '{args[i]}'");
            }
            values[args[i][2..]] = args[++i];
        }
        string Get(string flag, string variable, string fallback) =>
            values.Remove(flag, out var value) ? value : Environment.GetEnvironmentVariable(variable) is { Length: > 0 } env ? env : fallback;
        int Port(string flag, string variable, int fallback)
        {
            var text = Get(flag, variable, fallback.ToString(CultureInfo.InvariantCulture));
            return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and < 65536
                ? port
                : throw new ArgumentException($"--{flag} must be a port number, not '{text}'");
        }
        var defaults = new AppHostOptions();
        var options = new AppHostOptions
        {
            DataDirectory = Path.GetFullPath(Get("data-dir", "AEROGRID_DATA_DIR", defaults.DataDirectory)),
            ApiPort = Port("api-port", "AEROGRID_API_PORT", defaults.ApiPort),
            ApiHttpsPort = Port("api-https-port", "AEROGRID_API_HTTPS_PORT", defaults.ApiHttpsPort),
            OperatorPort = Port("operator-port", "AEROGRID_OPERATOR_PORT", defaults.OperatorPort),
            GatewayPort = Port("gateway-port", "AEROGRID_GATEWAY_PORT", defaults.GatewayPort),
            PortalPort = Port("portal-port", "AEROGRID_PORTAL_PORT", defaults.PortalPort),
            Tenants = Get("tenants", "AEROGRID_TENANTS", string.Join(',', defaults.Tenants))
                .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            PipIndexUrl = Get("pip-index-url", "AEROGRID_PIP_INDEX_URL", ""),
            PipFindLinks = Get("pip-find-links", "AEROGRID_PIP_FIND_LINKS", ""),
        };
        return values.Count == 0 ? options : throw new ArgumentException($"unknown option --{values.Keys.First()}");
    }
}
