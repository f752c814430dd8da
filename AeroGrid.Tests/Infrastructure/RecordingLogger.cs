using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace AeroGrid.Tests.Infrastructure;

/// <summary>An ILogger that keeps what it was told, so a test can check what a component went through.</summary>
internal sealed class RecordingLogger : ILogger
{
    private readonly ConcurrentQueue<(LogLevel Level, EventId Id, string Message)> _entries = new();

    public IEnumerable<int> EventIds => _entries.Select(e => e.Id.Id);

    public IEnumerable<int> EventIdsAtOrAbove(LogLevel level) => _entries.Where(e => e.Level >= level).Select(e => e.Id.Id);

    public string Text => string.Join('\n', _entries.Select(e => $"{e.Id.Id}: {e.Message}"));

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        _entries.Enqueue((logLevel, eventId, formatter(state, exception) + (exception is null ? "" : $" ({exception.GetType().Name}: {exception.Message})")));
}
