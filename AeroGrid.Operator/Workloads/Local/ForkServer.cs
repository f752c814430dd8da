using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace AeroGrid.Operator.Workloads.Local;

/// <summary>
/// One warm interpreter of one environment (<c>python -m aerogrid.forkserver</c>): it has imported the SDK and no app
/// code, and forks a process per request, so a new revision costs a fork instead of an interpreter's start.
/// </summary>
/// <remarks>
/// The server is the Operator's child and reads requests on its stdin: when the Operator is gone, stdin ends and the
/// server exits. The processes it forked are not the Operator's children, so their exits come as messages from the
/// server; should the server die first, each is watched by polling instead.
/// </remarks>
internal sealed partial class ForkServer : IDisposable
{
    private static readonly TimeSpan OrphanPollInterval = TimeSpan.FromSeconds(1);
    private readonly Process _process;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _requests = new(1, 1);
    private readonly TaskCompletionSource<bool> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    // Per forked pid: its start time (with the pid, it names the process) and its exit, until the server reports it.
    private readonly ConcurrentDictionary<int, (long StartTime, TaskCompletionSource<int?> Exit)> _children = new();
    private TaskCompletionSource<ForkedProcess?>? _reply;

    private ForkServer(Process process, string python, ILogger logger)
    {
        _process = process;
        Python = python;
        _logger = logger;
    }

    public string Python { get; }

    /// <summary>True once the SDK is imported and the server takes requests; false if it ended before that.</summary>
    public Task<bool> Ready => _ready.Task;

    public bool Running => !_process.HasExited;

    public static ForkServer Start(string python, string sdkPath, string workingDirectory, ILogger logger)
    {
        var info = new ProcessStartInfo(python)
        {
            WorkingDirectory = workingDirectory,
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        info.ArgumentList.Add("-m");
        info.ArgumentList.Add("aerogrid.forkserver");
        info.Environment.Clear();
        foreach (var (name, value) in PythonVariables.Base().Concat(PythonVariables.InterpreterOptions(sdkPath)))
        {
            info.Environment[name] = value;
        }
        var process = Process.Start(info) ?? throw new InvalidOperationException("the fork server did not start");
        var server = new ForkServer(process, python, logger);
        _ = server.ReadAsync();
        _ = server.ReadErrorsAsync();
        return server;
    }

    /// <summary>Forks a process running <c>python -m aerogrid</c> in <paramref name="directory"/>; null if the server cannot.</summary>
    public async Task<ForkedProcess?> ForkAsync(string directory, IReadOnlyDictionary<string, string> environment, string logPath, CancellationToken cancellationToken)
    {
        if (!await Ready)
        {
            return null;
        }
        await _requests.WaitAsync(cancellationToken);
        try
        {
            var reply = _reply = new(TaskCreationOptions.RunContinuationsAsynchronously);
            var request = new JsonObject
            {
                ["id"] = Guid.NewGuid().ToString("N"),
                ["cwd"] = directory,
                ["env"] = new JsonObject(environment.Select(e => KeyValuePair.Create(e.Key, (JsonNode?)e.Value))),
                ["log"] = logPath,
            };
            try
            {
                await _process.StandardInput.WriteLineAsync(request.ToJsonString().AsMemory(), cancellationToken);
                await _process.StandardInput.FlushAsync(cancellationToken);
            }
            catch (IOException)
            {
                return null; // The server ended meanwhile.
            }
            return await reply.Task.WaitAsync(cancellationToken);
        }
        finally
        {
            _reply = null;
            _requests.Release();
        }
    }

    public void Dispose()
    {
        try
        {
            // End of input is the server's signal to exit; the processes it forked run on until stopped as apps.
            _process.StandardInput.Close();
            if (!_process.WaitForExit(TimeSpan.FromSeconds(2)))
            {
                _process.Kill();
            }
        }
        catch (Exception e) when (e is IOException or InvalidOperationException)
        {
            // Already gone.
        }
        _process.Dispose();
        _requests.Dispose();
    }

    private TaskCompletionSource<int?> ChildExit(int pid) =>
        _children.GetOrAdd(pid, _ => (ProcessIdentity.StartTime(pid) ?? 0, new(TaskCreationOptions.RunContinuationsAsynchronously))).Exit;

    private async Task ReadAsync()
    {
        try
        {
            while (await _process.StandardOutput.ReadLineAsync() is { } line)
            {
                if (JsonNode.Parse(line) is not JsonObject message)
                {
                    continue;
                }
                if (message.ContainsKey("ready"))
                {
                    _ready.TrySetResult(true);
                }
                else if (message["exited"]?.GetValue<int>() is { } pid)
                {
                    ChildExit(pid).TrySetResult(message["code"]?.GetValue<int>());
                    _children.TryRemove(pid, out _);
                }
                else if (message["pid"]?.GetValue<int>() is { } forked)
                {
                    // Before the next message, which may be this process's exit.
                    _reply?.TrySetResult(new ForkedProcess(forked, ChildExit(forked).Task));
                }
                else
                {
                    LogForkFailed(_logger, Python, message["error"]?.GetValue<string>() ?? line);
                    _reply?.TrySetResult(null);
                }
            }
        }
        catch (JsonException e)
        {
            LogProtocolError(_logger, Python, e.Message);
        }
        _ready.TrySetResult(false);
        _reply?.TrySetResult(null);
        foreach (var (pid, (startTime, exit)) in _children)
        {
            _ = WatchOrphanAsync(pid, startTime, exit);
        }
    }

    private async Task ReadErrorsAsync()
    {
        // A healthy server writes nothing here; anything it does write is why it failed.
        while (await _process.StandardError.ReadLineAsync() is { } line)
        {
            LogServerOutput(_logger, Python, line);
        }
    }

    private static async Task WatchOrphanAsync(int pid, long startTime, TaskCompletionSource<int?> exit)
    {
        await ProcessIdentity.WhenGoneAsync(pid, startTime, OrphanPollInterval, CancellationToken.None);
        exit.TrySetResult(null);
    }

    [LoggerMessage(EventId = 3111, Level = LogLevel.Warning, Message = "The fork server of {Python} could not fork: {Reason}; starting the process cold")]
    private static partial void LogForkFailed(ILogger logger, string python, string reason);

    [LoggerMessage(EventId = 3112, Level = LogLevel.Warning, Message = "The fork server of {Python} wrote: {Line}")]
    private static partial void LogServerOutput(ILogger logger, string python, string line);

    [LoggerMessage(EventId = 3113, Level = LogLevel.Warning, Message = "The fork server of {Python} broke its protocol: {Reason}")]
    private static partial void LogProtocolError(ILogger logger, string python, string reason);
}

/// <summary>A process a fork server started: its pid, and its exit code once it ends (null when not known).</summary>
internal sealed record ForkedProcess(int Pid, Task<int?> Exited);
