namespace AeroGrid.Portal.SignIn;

/// <summary>A sign-in that cannot finish, with a sentence for the person.</summary>
internal sealed class SignInException(string message) : Exception(message);
