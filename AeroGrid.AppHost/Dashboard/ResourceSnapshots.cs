using System.Collections.Immutable;
using AeroGrid.Api.Resources;

namespace AeroGrid.AppHost.Dashboard;

/// <summary>What the dashboard shows of an App or an Image: its phase as the state, and what serves as properties.</summary>
internal static class ResourceSnapshots
{
    public const string AppType = "AeroGrid App";
    public const string ImageType = "AeroGrid Image";

    public static CustomResourceSnapshot Of(App app, PlatformLinks links, CustomResourceSnapshot previous)
    {
        var (@namespace, name) = (app.Metadata.NamespaceProperty!, app.Metadata.Name!);
        var phase = app.Metadata.DeletionTimestamp is not null ? "Deleting" : app.Status?.Phase?.ToString() ?? nameof(AppPhase.Pending);
        return previous with
        {
            ResourceType = AppType,
            State = new(phase, phase switch
            {
                nameof(AppPhase.Running) => KnownResourceStateStyles.Success,
                nameof(AppPhase.Failed) => KnownResourceStateStyles.Error,
                nameof(AppPhase.Stopped) or "Deleting" => KnownResourceStateStyles.Warn,
                _ => KnownResourceStateStyles.Info,
            }),
            IsHidden = false,
            CreationTimeStamp = app.Metadata.CreationTimestamp,
            Urls =
            [
                new("gateway", links.GatewayUrl(@namespace, name).ToString(), IsInternal: false),
                new("portal", links.PortalUrl(name).ToString(), IsInternal: false),
            ],
            Properties = Properties(
                ("aerogrid.tenant", "Tenant", @namespace),
                ("aerogrid.revision", "Revision", app.Status?.Revision?.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                ("aerogrid.image", "Image", app.Status?.Image),
                ("aerogrid.readyReplicas", "Ready processes", app.Status?.ReadyReplicas?.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                ("aerogrid.message", "Message", app.Status?.Message),
                ("aerogrid.generation", "Generation", app.Metadata.Generation?.ToString(System.Globalization.CultureInfo.InvariantCulture))),
        };
    }

    public static CustomResourceSnapshot Of(Image image, CustomResourceSnapshot previous)
    {
        var phase = image.Status?.Phase?.ToString() ?? nameof(ImagePhase.Pending);
        return previous with
        {
            ResourceType = ImageType,
            State = new(phase, phase switch
            {
                nameof(ImagePhase.Ready) => KnownResourceStateStyles.Success,
                nameof(ImagePhase.Failed) => KnownResourceStateStyles.Error,
                _ => KnownResourceStateStyles.Info,
            }),
            IsHidden = false,
            CreationTimeStamp = image.Metadata.CreationTimestamp,
            Properties = Properties(
                ("aerogrid.tenant", "Tenant", image.Metadata.NamespaceProperty),
                ("aerogrid.hash", "Hash", image.Status?.Hash),
                ("aerogrid.reference", "Reference", image.Status?.Reference),
                ("aerogrid.message", "Message", image.Status?.Message)),
        };
    }

    /// <summary>A deleted object stays known to the dashboard (Aspire cannot remove a resource) but is hidden.</summary>
    public static CustomResourceSnapshot Gone(CustomResourceSnapshot previous) =>
        previous with { State = new("Deleted", KnownResourceStateStyles.Warn), IsHidden = true };

    private static ImmutableArray<ResourcePropertySnapshot> Properties(params (string Name, string DisplayName, string? Value)[] properties) =>
    [
        .. properties.Where(property => property.Value is not null)
            .Select(property => new ResourcePropertySnapshot(property.Name, property.Value) { DisplayName = property.DisplayName }),
    ];
}
