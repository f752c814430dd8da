using System.Net;
using System.Text;
using AeroGrid.Api.Client;
using k8s.Autorest;

namespace AeroGrid.Tests.Client;

/// <summary>Reading the server's Status out of KubernetesClient's exceptions.</summary>
public sealed class ApiErrorsTests
{
    [Fact]
    public void A_status_body_becomes_the_exceptions_status()
    {
        using var response = Response(HttpStatusCode.Conflict, """
            {"kind":"Status","apiVersion":"v1","status":"Failure","reason":"Conflict","code":409,
             "message":"the object has been modified","details":{"name":"orders","kind":"apps"}}
            """);

        var status = ApiErrors.StatusOf(Refusal(response));

        Assert.Equal(409, status.Code);
        Assert.Equal("Conflict", status.Reason);
        Assert.Equal("orders", status.Details?.Name);
        Assert.Equal("the object has been modified", status.Message);
    }

    [Fact]
    public void Any_other_body_becomes_a_readable_status_with_the_reason_of_the_code()
    {
        using var response = Response(HttpStatusCode.BadGateway, "<html>upstream connect error</html>");

        var status = ApiErrors.StatusOf(Refusal(response));

        Assert.Equal(502, status.Code);
        Assert.Equal("InternalError", status.Reason);
        Assert.Equal("Failure", status.Status);
        Assert.Contains("GET /apis/aerogrid.io/v1alpha1/apps: 502 Bad Gateway: <html>upstream connect error</html>", status.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Json_that_is_not_a_status_is_not_taken_for_one()
    {
        using var response = Response(HttpStatusCode.NotFound, """{"error":"no route"}""");

        var status = ApiErrors.StatusOf(Refusal(response));

        Assert.Equal("NotFound", status.Reason);
        Assert.Contains("no route", status.Message, StringComparison.Ordinal);
    }

    /// <summary>What KubernetesClient throws for a refused request: the response's text, no Status.</summary>
    private static HttpOperationException Refusal(HttpResponseMessage response)
    {
        var body = response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken).GetAwaiter().GetResult();
        return new HttpOperationException("refused")
        {
            Request = new HttpRequestMessageWrapper(response.RequestMessage!, ""),
            Response = new HttpResponseMessageWrapper(response, body),
        };
    }

    private static HttpResponseMessage Response(HttpStatusCode code, string body) => new(code)
    {
        Content = new StringContent(body, Encoding.UTF8, "application/json"),
        RequestMessage = new HttpRequestMessage(HttpMethod.Get, "http://127.0.0.1/apis/aerogrid.io/v1alpha1/apps"),
    };
}
