using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;

namespace AeroGrid.AppHost.Auth0;

/// <summary>Converges objects one after another, logs one line for each (created, updated or unchanged) and the sum at the end.</summary>
internal sealed class ProvisioningTally(ManagementApiClient auth0, ILogger logger)
{
    private readonly Dictionary<Outcome, int> _counts = new() { [Outcome.Created] = 0, [Outcome.Updated] = 0, [Outcome.Unchanged] = 0 };

    public async Task<JsonObject> EnsureAsync(Auth0Object target, CancellationToken cancellationToken)
    {
        var (outcome, current) = await Auth0Reconciler.EnsureAsync(auth0, target, cancellationToken);
        Record(target, outcome);
        return current;
    }

    /// <summary>Converges <paramref name="target"/> and then what hangs off it; a change to either counts as the object's.</summary>
    public async Task<JsonObject> EnsureAsync(Auth0Object target, Func<JsonObject, Task<bool>> thenEnsure, CancellationToken cancellationToken)
    {
        var (outcome, current) = await Auth0Reconciler.EnsureAsync(auth0, target, cancellationToken);
        var changed = await thenEnsure(current);
        Record(target, outcome == Outcome.Unchanged && changed ? Outcome.Updated : outcome);
        return current;
    }

    public void Summarize(string domain)
    {
        if (_counts[Outcome.Created] + _counts[Outcome.Updated] == 0)
        {
            Auth0Log.NothingChanged(logger, domain);
        }
        else
        {
            Auth0Log.Changed(logger, domain, _counts[Outcome.Created], _counts[Outcome.Updated], _counts[Outcome.Unchanged]);
        }
    }

    private void Record(Auth0Object target, Outcome outcome)
    {
        _counts[outcome]++;
        var word = outcome switch
        {
            Outcome.Created => "created",
            Outcome.Updated => "updated",
            _ => "unchanged",
        };
        Auth0Log.Reconciled(logger, target.Kind, target.Name, word);
    }
}
