namespace AeroGrid.Client.Apps;

/// <summary>The API refused a request about a tenant's apps (not signed in, not allowed, no such tenant).</summary>
public sealed class AppsException : Exception
{
    /// <summary>Creates the exception for a refusal, with the API's own message (a Kubernetes <c>Status</c>).</summary>
    public AppsException(int statusCode, string message)
        : base($"{statusCode}: {message}")
    {
        StatusCode = statusCode;
    }

    /// <summary>Creates the exception with a message.</summary>
    public AppsException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public AppsException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with a generic message.</summary>
    public AppsException()
        : base("the API refused the request")
    {
    }

    /// <summary>The HTTP status of the refusal; 0 when there was none.</summary>
    public int StatusCode { get; }
}
