namespace AeroGrid.Client.SignIn;

/// <summary>The issuer refused a sign-in or a refresh, or the browser came back with an error.</summary>
public sealed class SignInException : Exception
{
    /// <summary>Creates the exception with the issuer's reason.</summary>
    public SignInException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with the issuer's reason and its cause.</summary>
    public SignInException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with a generic message.</summary>
    public SignInException()
        : base("sign-in failed")
    {
    }
}
