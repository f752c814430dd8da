using AeroGrid.AppHost.Publish;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AeroGrid.AppHost.Auth0;

/// <summary>
/// The AppHost's Auth0 step: makes an Auth0 tenant hold AeroGrid's identity as the publish settings describe it, through
/// the Management API, and says per object what it did. Run on its own with <c>--step aerogrid-auth0</c>: publish does not
/// require it, because it changes a live Auth0 tenant where publish only writes files.
/// </summary>
internal static class Auth0Provisioning
{
    public const string StepName = "aerogrid-auth0";

    public static void AddAuth0Provisioning(this IDistributedApplicationBuilder builder) =>
        builder.Pipeline.AddStep(StepName, async context =>
        {
            var configuration = context.Services.GetRequiredService<IConfiguration>();
            try
            {
                var settings = PublishSettings.Load(configuration[PublishSettings.ConfigurationKey] ?? throw PublishSettingsException.Missing());
                await ProvisionAsync(settings, ManagementApiOptions.From(configuration), context.Logger, TimeProvider.System, context.CancellationToken);
            }
            catch (PublishSettingsException e)
            {
                PublishLog.Refused(context.Logger, e.Message);
                Environment.ExitCode = 1;
            }
            catch (ManagementApiException e)
            {
                // As with bad settings: one line a person can act on and a failing exit code, not the pipeline's stack trace.
                Auth0Log.Failed(context.Logger, e.Message);
                Environment.ExitCode = 1;
            }
        });

    /// <summary>Creates or updates every object, in the order they refer to each other: the API before the roles and the grant.</summary>
    public static async Task ProvisionAsync(PublishSettings settings, ManagementApiOptions options, ILogger logger, TimeProvider time, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var auth0 = new ManagementApiClient(http, options.BaseAddress(settings.Auth0.Domain), settings.Auth0.Domain, options, logger, time);
        var tally = new ProvisioningTally(auth0, logger);

        await tally.EnsureAsync(IdentityObjects.TenantSettings(), cancellationToken);
        await tally.EnsureAsync(IdentityObjects.Api(settings), cancellationToken);
        foreach (var (name, description, permissions) in IdentityObjects.Roles)
        {
            await tally.EnsureAsync(IdentityObjects.Role(name, description), role =>
                RolePermissions.EnsureAsync(auth0, (string)role["id"]!, settings.Auth0.Audience, permissions, cancellationToken), cancellationToken);
        }
        foreach (var tenant in settings.Tenants.Order(StringComparer.Ordinal))
        {
            await tally.EnsureAsync(IdentityObjects.Organization(tenant), cancellationToken);
        }
        var portal = await tally.EnsureAsync(IdentityObjects.PortalApplication(settings), cancellationToken);
        var @operator = await tally.EnsureAsync(IdentityObjects.OperatorApplication(settings), cancellationToken);
        await tally.EnsureAsync(IdentityObjects.OperatorGrant(settings, (string)@operator["client_id"]!), cancellationToken);

        tally.Summarize(settings.Auth0.Domain);
        Auth0Log.PortalSecret(logger, settings.Auth0.PortalApplication, (string)portal["client_id"]!, settings.Namespace, settings.Auth0.PortalClientSecret);
    }
}
