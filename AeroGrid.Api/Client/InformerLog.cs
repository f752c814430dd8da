using Microsoft.Extensions.Logging;

namespace AeroGrid.Api.Client;

/// <summary>The informer's log messages; event ids 1100-1199 belong to the client.</summary>
internal static partial class InformerLog
{
    [LoggerMessage(1100, LogLevel.Information, "Informer for {Resource} synced {Count} objects at resourceVersion {ResourceVersion}")]
    public static partial void Synced(ILogger logger, string resource, int count, string resourceVersion);

    [LoggerMessage(1101, LogLevel.Information, "Watch of {Resource} from resourceVersion {ResourceVersion} expired; listing again")]
    public static partial void Expired(ILogger logger, string resource, string resourceVersion);

    [LoggerMessage(1102, LogLevel.Warning, "Watch of {Resource} failed; retrying in {Delay}")]
    public static partial void WatchFailed(ILogger logger, string resource, TimeSpan delay, Exception exception);

    [LoggerMessage(1106, LogLevel.Debug, "The API server for {Resource} does not accept connections yet; trying again in {Delay}")]
    public static partial void WaitingForServer(ILogger logger, string resource, TimeSpan delay);

    [LoggerMessage(1103, LogLevel.Debug, "Watch of {Resource} ended at resourceVersion {ResourceVersion}; watching again")]
    public static partial void WatchEnded(ILogger logger, string resource, string resourceVersion);

    [LoggerMessage(1105, LogLevel.Information, "Watch of {Resource} was silent for {IdleTimeout}; watching again from resourceVersion {ResourceVersion}")]
    public static partial void WatchSilent(ILogger logger, string resource, TimeSpan idleTimeout, string resourceVersion);

    [LoggerMessage(1104, LogLevel.Error, "An event handler of the {Resource} informer failed on {Key}")]
    public static partial void HandlerFailed(ILogger logger, string resource, string key, Exception exception);
}
