namespace AeroGrid.Portal.SignIn;

/// <summary>The sign-in's log lines (event ids 5001-5099).</summary>
internal static partial class SignInLog
{
    [LoggerMessage(EventId = 5001, Level = LogLevel.Information, Message = "{Subject} signed in to tenant {Tenant}")]
    public static partial void SignedIn(ILogger logger, string subject, string tenant);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Warning, Message = "Sign-in failed: {Reason}")]
    public static partial void SignInFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Warning, Message = "The issuer's discovery document cannot be read: {Reason}")]
    public static partial void IssuerUnreachable(ILogger logger, string reason);
}
