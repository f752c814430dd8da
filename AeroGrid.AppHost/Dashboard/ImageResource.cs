namespace AeroGrid.AppHost.Dashboard;

/// <summary>
/// A dependency environment (Image) shown in the Aspire dashboard, named <c>{image}.{tenant}.image</c>: an App may bear
/// the same name as an Image, and App resources have one dot, so the two never share a resource name.
/// </summary>
internal sealed class ImageResource(string @namespace, string image) : Resource($"{image}.{@namespace}.image")
{
    public string Namespace { get; } = @namespace;

    public string Image { get; } = image;
}
