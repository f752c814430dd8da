using System.Net;
using System.Text;
using AeroGrid.Api.Client;

namespace AeroGrid.Tests.Client;

public sealed class ApiErrorsTests
{
    [Fact]
    public async Task A_status_body_becomes_the_exceptions_status()
    {
        using var response = Response(HttpStatusCode.Conflict, """
            {"kind":"Status","apiVersion":"v1","status":"Failure","reason":"Conflict","code":409,
             "message":"the object has been modified","details":{"name":"orders","kind":"apps"}}
            """);

        var e = await ApiErrors.FromResponseAsync(response, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Conflict, e.StatusCode);
        Assert.Equal("Conflict", e.Reason);
        Assert.Equal("orders", e.Status.Details?.Name);
        Assert.Equal("the object has been modified", e.Message);
    }

    [Fact]
    public async Task Any_other_body_becomes_a_readable_status_with_the_reason_of_the_code()
    {
        using var response = Response(HttpStatusCode.BadGateway, "<html>upstream connect error</html>");

        var e = await ApiErrors.FromResponseAsync(response, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadGateway, e.StatusCode);
        Assert.Equal("InternalError", e.Reason);
        Assert.Equal("Failure", e.Status.Outcome);
        Assert.Contains("GET /apis/aerogrid.io/v1alpha1/apps: 502 Bad Gateway: <html>upstream connect error</html>", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Json_that_is_not_a_status_is_not_taken_for_one()
    {
        using var response = Response(HttpStatusCode.NotFound, """{"error":"no route"}""");

        var e = await ApiErrors.FromResponseAsync(response, TestContext.Current.CancellationToken);

        Assert.Equal("NotFound", e.Reason);
        Assert.Contains("no route", e.Message, StringComparison.Ordinal);
    }

    private static HttpResponseMessage Response(HttpStatusCode code, string body) => new(code)
    {
        Content = new StringContent(body, Encoding.UTF8, "application/json"),
        RequestMessage = new HttpRequestMessage(HttpMethod.Get, "http://127.0.0.1/apis/aerogrid.io/v1alpha1/apps"),
    };
}
