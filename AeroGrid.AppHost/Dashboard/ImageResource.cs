namespace AeroGrid.AppHost.Dashboard;

/// <summary>A dependency environment (Image) shown in the Aspire dashboard, named <c>{image}.{tenant}</c>.</summary>
internal sealed class ImageResource(string @namespace, string image) : Resource($"{image}.{@namespace}")
{
    public string Namespace { get; } = @namespace;

    public string Image { get; } = image;
}
