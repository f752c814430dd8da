namespace AeroGrid.Client.Live;

/// <summary>The gateway or the app refused a subscription (no such app, grid or topic; not allowed).</summary>
public sealed class LiveException : Exception
{
    /// <summary>Creates the exception for a refused subscription.</summary>
    public LiveException(Uri url, int statusCode, string body)
        : base($"{url} answered {statusCode}: {body}")
    {
        StatusCode = statusCode;
    }

    /// <summary>Creates the exception for a refused request, with the gateway's or the app's message.</summary>
    public LiveException(int statusCode, string message)
        : base($"{statusCode}: {message}")
    {
        StatusCode = statusCode;
    }

    /// <summary>Creates the exception with a message.</summary>
    public LiveException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public LiveException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with a generic message.</summary>
    public LiveException()
        : base("the subscription was refused")
    {
    }

    /// <summary>The HTTP status of the refusal; 0 when there was none.</summary>
    public int StatusCode { get; }
}
