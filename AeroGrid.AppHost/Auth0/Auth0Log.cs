using Microsoft.Extensions.Logging;

namespace AeroGrid.AppHost.Auth0;

internal static partial class Auth0Log
{
    [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "Auth0 {Kind} '{Name}': {Outcome}")]
    public static partial void Reconciled(ILogger logger, string kind, string name, string outcome);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Warning, Message = "Auth0 rate-limited {Request}: retrying in {Seconds:0.#} s (attempt {Attempt} of {MaxAttempts})")]
    public static partial void RateLimited(ILogger logger, string request, double seconds, int attempt, int maxAttempts);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Information, Message = "Auth0 {Domain} already matched the settings: nothing changed")]
    public static partial void NothingChanged(ILogger logger, string domain);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Information, Message = "Auth0 {Domain} now matches the settings: {Created} created, {Updated} updated, {Unchanged} unchanged")]
    public static partial void Changed(ILogger logger, string domain, int created, int updated, int unchanged);

    [LoggerMessage(EventId = 4005, Level = LogLevel.Information, Message =
        "The Portal signs in with the Auth0 application '{Application}' (client id {ClientId}); its secret stays in Auth0. " +
        "Copy it from the dashboard (Applications > {Application} > Settings) into the Secret the Portal reads: " +
        "kubectl -n {Namespace} create secret generic {Secret} --from-literal=client-id={ClientId} --from-literal=client-secret=<the client secret>")]
    public static partial void PortalSecret(ILogger logger, string application, string clientId, string @namespace, string secret);

    [LoggerMessage(EventId = 4006, Level = LogLevel.Error, Message = "{Reason}")]
    public static partial void Failed(ILogger logger, string reason);
}
