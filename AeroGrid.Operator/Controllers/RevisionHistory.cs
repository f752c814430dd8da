using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using AeroGrid.Api.Client;
using AeroGrid.Api.Meta;
using AeroGrid.Api.Resources;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Options;

namespace AeroGrid.Operator.Controllers;

/// <summary>
/// An App's history as <see cref="Revision"/> objects: one per revision that served, the newest
/// <see cref="OperatorOptions.RevisionHistoryLimit"/> kept, all deleted with the App. Rolling back is the
/// client's move (copy a Revision back into the App), as <c>kubectl rollout undo</c> is.
/// </summary>
/// <remarks>
/// No informer: Revisions carry whole file sets, and the Operator only writes them. What was recorded is
/// remembered per app instead, so reconciling a running App again costs no request.
/// </remarks>
internal sealed partial class RevisionHistory(ApiClient api, IOptions<OperatorOptions> options, ILogger<RevisionHistory> logger)
{
    private readonly ConcurrentDictionary<string, (long Revision, string Hash)> _recorded = new(StringComparer.Ordinal);

    /// <summary>Records that <paramref name="revision"/> of the App serves what its spec says now, and drops the oldest beyond the limit.</summary>
    public async Task RecordAsync(App app, long revision, string revisionHash, string image, CancellationToken cancellationToken)
    {
        var key = ObjectKey.Of(app);
        if (_recorded.TryGetValue(key, out var recorded) && recorded == (revision, revisionHash))
        {
            return;
        }
        var snapshot = Snapshot(app, revision, revisionHash, image);
        await CreateOrReplaceAsync(key, snapshot, cancellationToken);
        await PruneAsync(key, snapshot, cancellationToken);
        _recorded[key] = (revision, revisionHash);
    }

    /// <summary>Deletes every Revision of the App: it is gone, and so is its history.</summary>
    public async Task DeleteAllAsync(string @namespace, string app, CancellationToken cancellationToken)
    {
        _recorded.TryRemove(ObjectKey.Of(@namespace, app), out _);
        foreach (var revision in await ListAsync(@namespace, app, cancellationToken))
        {
            await DeleteAsync(revision, cancellationToken);
        }
    }

    private async Task CreateOrReplaceAsync(string key, Revision snapshot, CancellationToken cancellationToken)
    {
        var (@namespace, name) = (snapshot.Metadata.NamespaceProperty, snapshot.Metadata.Name!);
        try
        {
            await api.Revisions.CreateAsync(snapshot, cancellationToken);
            LogRecorded(logger, key, snapshot.Spec.Revision);
            return;
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict)
        {
            // Recorded before (by an Operator that has since restarted), or a stale record under the same number.
        }
        var existing = await api.Revisions.TryGetAsync(@namespace, name, cancellationToken);
        if (existing?.Spec.RevisionHash == snapshot.Spec.RevisionHash)
        {
            return;
        }
        // Another history under this number, e.g. of an earlier App of the same name whose Revisions outlived it.
        // Revisions are snapshots, never edited: the stale one goes and the true one is created.
        if (existing is not null)
        {
            await DeleteAsync(existing, cancellationToken);
        }
        await api.Revisions.CreateAsync(snapshot, cancellationToken);
        LogReplaced(logger, key, snapshot.Spec.Revision);
    }

    /// <summary>Deletes the oldest Revisions beyond the limit; the one that serves counts and always stays.</summary>
    private async Task PruneAsync(string key, Revision serving, CancellationToken cancellationToken)
    {
        var older = (await ListAsync(serving.Metadata.NamespaceProperty!, serving.Spec.App, cancellationToken))
            .Where(revision => revision.Metadata.Name != serving.Metadata.Name)
            .OrderByDescending(revision => revision.Spec.Revision)
            .Skip(options.Value.RevisionHistoryLimit - 1);
        foreach (var revision in older)
        {
            await DeleteAsync(revision, cancellationToken);
            LogPruned(logger, key, revision.Spec.Revision);
        }
    }

    private async Task<IReadOnlyList<Revision>> ListAsync(string @namespace, string app, CancellationToken cancellationToken) =>
        (await api.Revisions.ListAsync(@namespace, $"{Revision.AppLabel}={app}", cancellationToken: cancellationToken)).Items.AsReadOnly();

    private async Task DeleteAsync(Revision revision, CancellationToken cancellationToken)
    {
        try
        {
            await api.Revisions.DeleteAsync(revision.Metadata.NamespaceProperty, revision.Metadata.Name!, cancellationToken);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            // Gone already.
        }
    }

    private static Revision Snapshot(App app, long revision, string revisionHash, string image) => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = Revision.NameOf(app.Metadata.Name!, revision),
            NamespaceProperty = app.Metadata.NamespaceProperty,
            Labels = new Dictionary<string, string>
            {
                [Revision.AppLabel] = app.Metadata.Name!,
                [Revision.RevisionLabel] = revision.ToString(CultureInfo.InvariantCulture),
            },
            OwnerReferences =
            [
                new V1OwnerReference
                {
                    ApiVersion = app.ApiVersion,
                    Kind = app.Kind,
                    Name = app.Metadata.Name!,
                    Uid = app.Metadata.Uid ?? "",
                    Controller = true,
                    BlockOwnerDeletion = true,
                },
            ],
        },
        Spec = new RevisionSpec
        {
            App = app.Metadata.Name!,
            Revision = revision,
            RevisionHash = revisionHash,
            Image = image,
            Entrypoint = app.Spec.Entrypoint,
            Runtime = app.Spec.Runtime,
            Files = app.Spec.Files,
            Env = app.Spec.Env,
        },
    };

    [LoggerMessage(EventId = 2301, Level = LogLevel.Information, Message = "App {Key}: revision {Revision} recorded")]
    private static partial void LogRecorded(ILogger logger, string key, long revision);

    [LoggerMessage(EventId = 2302, Level = LogLevel.Warning, Message = "App {Key}: revision {Revision} replaced a stale record of another revision hash")]
    private static partial void LogReplaced(ILogger logger, string key, long revision);

    [LoggerMessage(EventId = 2303, Level = LogLevel.Information, Message = "App {Key}: revision {Revision} dropped from the history")]
    private static partial void LogPruned(ILogger logger, string key, long revision);
}
