using Microsoft.Extensions.Logging;

namespace AeroGrid.AppHost.Publish;

internal static partial class PublishLog
{
    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Wrote {Path}: {Contents}")]
    public static partial void Wrote(ILogger logger, string path, string contents);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Error, Message = "{Reason}")]
    public static partial void Refused(ILogger logger, string reason);
}
