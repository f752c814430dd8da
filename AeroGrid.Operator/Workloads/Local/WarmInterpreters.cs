using Microsoft.Extensions.Options;

namespace AeroGrid.Operator.Workloads.Local;

/// <summary>
/// A fork server per environment, for the environments used last: at most <see cref="LocalRuntimeOptions.WarmEnvironments"/>,
/// the least recently used stopped to make room. One is started the first time an environment runs a process, so the
/// next revision on it forks; a server that died is started again on next use. At rest they cost memory, no CPU.
/// </summary>
internal sealed partial class WarmInterpreters(IOptions<LocalRuntimeOptions> options, ILogger<WarmInterpreters> logger) : IDisposable
{
    private readonly LocalRuntimeOptions _options = options.Value;
    private readonly Lock _gate = new();
    private readonly LinkedList<ForkServer> _servers = []; // most recently used first
    private bool _disposed;

    /// <summary>
    /// The environment's fork server, ready or starting, when the process can be forked from it; null when it must
    /// start cold: the pool is off, the process needs interpreter options of its own, or the server is only now being
    /// started (for the next one).
    /// </summary>
    public ForkServer? For(string python, IReadOnlyDictionary<string, string> environment)
    {
        if (_options.WarmEnvironments <= 0 || !Compatible(environment))
        {
            return null;
        }
        lock (_gate)
        {
            if (_disposed)
            {
                return null;
            }
            var node = _servers.First;
            while (node is not null && node.Value.Python != python)
            {
                node = node.Next;
            }
            if (node is { Value.Running: true })
            {
                _servers.Remove(node);
                _servers.AddFirst(node);
                return node.Value;
            }
            if (node is not null)
            {
                _servers.Remove(node);
                node.Value.Dispose();
            }
            while (_servers.Count >= _options.WarmEnvironments)
            {
                var evicted = _servers.Last!.Value;
                _servers.RemoveLast();
                evicted.Dispose();
            }
            Directory.CreateDirectory(_options.DataDirectory);
            var started = ForkServer.Start(python, _options.SdkPath, _options.DataDirectory, logger);
            _servers.AddFirst(started);
            LogStarted(logger, python);
            return null;
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            foreach (var server in _servers)
            {
                server.Dispose();
            }
            _servers.Clear();
        }
    }

    // Python reads its PYTHON* variables once, at start: a fork has the server's, so they must be the same.
    private bool Compatible(IReadOnlyDictionary<string, string> environment)
    {
        var server = PythonVariables.InterpreterOptions(_options.SdkPath);
        return environment.Where(e => e.Key.StartsWith("PYTHON", StringComparison.Ordinal)).All(e => server.GetValueOrDefault(e.Key) == e.Value)
            && server.All(e => environment.GetValueOrDefault(e.Key) == e.Value);
    }

    [LoggerMessage(EventId = 3110, Level = LogLevel.Debug, Message = "Started a fork server for {Python}")]
    private static partial void LogStarted(ILogger logger, string python);
}
