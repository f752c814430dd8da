using System.Net;
using AeroGrid.Api.Client;
using AeroGrid.Api.Meta;
using AeroGrid.Api.Resources;

namespace AeroGrid.Tests.Client;

/// <summary>The parsing of watch lines; the stream itself is tested against the control plane.</summary>
public sealed class WatchStreamTests
{
    [Fact]
    public void An_event_carries_the_typed_object()
    {
        var e = WatchStream.Parse<App>("""
            {"type":"MODIFIED","object":{"apiVersion":"aerogrid.io/v1alpha1","kind":"App",
             "metadata":{"name":"orders","namespace":"acme","resourceVersion":"12"},"spec":{"replicas":2}}}
            """);

        Assert.Equal(WatchEventType.Modified, e.Type);
        Assert.Equal("acme/orders", ObjectKey.Of(e.Object!));
        Assert.Equal(2, e.Object!.Spec.Replicas);
    }

    [Fact]
    public void A_bookmark_carries_only_a_resource_version()
    {
        var e = WatchStream.Parse<App>("""{"type":"BOOKMARK","object":{"kind":"App","apiVersion":"aerogrid.io/v1alpha1","metadata":{"resourceVersion":"40"}}}""");

        Assert.Equal(WatchEventType.Bookmark, e.Type);
        Assert.Equal("40", e.Object!.Metadata.ResourceVersion);
    }

    [Fact]
    public void An_error_event_is_thrown_with_its_status()
    {
        var e = Assert.Throws<ApiException>(() => WatchStream.Parse<App>("""
            {"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","status":"Failure",
             "message":"too old resource version: 5 (90)","reason":"Expired","code":410}}
            """));

        Assert.Equal(HttpStatusCode.Gone, e.StatusCode);
        Assert.Equal("Expired", e.Reason);
    }
}
