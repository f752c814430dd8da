using System.Text;
using AeroGrid.Operator.Workloads.Kubernetes;
using k8s.Models;

namespace AeroGrid.Tests.Operator.Kubernetes;

/// <summary>Registry credentials read from a <c>kubernetes.io/dockerconfigjson</c> Secret, in the shapes kubectl and Docker write.</summary>
public sealed class RegistryCredentialsTests
{
    private const string Registry = "registry.example.com";
    private const string Password = "pa:ss-word-9";

    /// <summary>A push Secret as <c>kubectl create secret docker-registry</c> makes it, holding <paramref name="dockerConfig"/>.</summary>
    internal static V1Secret Secret(string dockerConfig, string type = RegistryCredentials.SecretType) => new()
    {
        Metadata = new() { Name = "aerogrid-registry-push", NamespaceProperty = "aerogrid-system" },
        Type = type,
        Data = new Dictionary<string, byte[]> { [RegistryCredentials.SecretKey] = Encoding.UTF8.GetBytes(dockerConfig) },
    };

    private static string Base64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    [Fact]
    public void The_auth_form_is_base64_of_user_and_password_split_at_the_first_colon()
    {
        var secret = Secret($$"""{"auths": {"{{Registry}}": {"auth": "{{Base64("pusher:" + Password)}}" } } }""");

        var credentials = RegistryCredentials.FromSecret(secret, Registry);

        Assert.Equal(("aerogrid-registry-push", "pusher", Password), (credentials.Source, credentials.Username, credentials.Password));
    }

    [Fact]
    public void The_username_and_password_form_is_taken_over_auth_as_kubectl_writes_both()
    {
        var secret = Secret($$"""
            {"auths": {"{{Registry}}": {"username": "pusher", "password": "{{Password}}", "email": "ops@example.com", "auth": "{{Base64("stale:old")}}" } } }
            """);

        var credentials = RegistryCredentials.FromSecret(secret, Registry);

        Assert.Equal(("pusher", Password), (credentials.Username, credentials.Password));
    }

    [Theory]
    [InlineData("https://registry.example.com")]
    [InlineData("https://registry.example.com/v1/")]
    [InlineData("REGISTRY.example.com")]
    public void A_key_that_is_a_url_or_differs_in_case_names_the_registry_host(string key)
    {
        var secret = Secret($$"""{"auths": {"other.example.com:5000": {"auth": "{{Base64("a:b")}}"}, "{{key}}": {"auth": "{{Base64("pusher:" + Password)}}" } } }""");

        Assert.Equal("pusher", RegistryCredentials.FromSecret(secret, Registry).Username);
    }

    [Fact]
    public void A_registry_with_a_port_is_not_the_same_host_without_it()
    {
        var secret = Secret($$"""{"auths": {"{{Registry}}": {"auth": "{{Base64("pusher:" + Password)}}" } } }""");

        var error = Assert.Throws<RegistryException>(() => RegistryCredentials.FromSecret(secret, Registry + ":5000"));

        Assert.Equal($"the Secret aerogrid-system/aerogrid-registry-push has no credentials for {Registry}:5000 (it has: {Registry})", error.Message);
    }

    [Theory]
    [InlineData("""{"auths": {"registry.example.com": {"password": "pa:ss-word-9"}}""", "is not JSON")]
    [InlineData("""pa:ss-word-9""", "is not JSON")]
    [InlineData("""{"registry.example.com": {"username": "pusher", "password": "pa:ss-word-9"}}""", "has no \"auths\" object")]
    [InlineData("""{"auths": {"registry.example.com": {"password": "pa:ss-word-9"}}}""", "has neither \"username\" and \"password\" nor \"auth\"")]
    [InlineData("""{"auths": {"registry.example.com": {"auth": "pusher:pa:ss-word-9"}}}""", "\"auth\" is not base64")]
    [InlineData("""{"auths": {"registry.example.com": {"auth": "cHVzaGVy"}}}""", "\"auth\" is not base64 of \"user:password\"")]
    public void A_malformed_dockerconfigjson_is_an_error_naming_the_secret_and_the_fault_but_not_the_password(string config, string fault)
    {
        var error = Assert.Throws<RegistryException>(() => RegistryCredentials.FromSecret(Secret(config), Registry));

        Assert.StartsWith("the Secret aerogrid-system/aerogrid-registry-push", error.Message, StringComparison.Ordinal);
        Assert.Contains(fault, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("ss-word", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_secret_of_another_type_is_refused_by_name()
    {
        var secret = Secret($$"""{"auths": {"{{Registry}}": {"auth": "{{Base64("pusher:" + Password)}}" } } }""", type: "Opaque");

        var error = Assert.Throws<RegistryException>(() => RegistryCredentials.FromSecret(secret, Registry));

        Assert.Equal("the Secret aerogrid-system/aerogrid-registry-push is of type 'Opaque', not kubernetes.io/dockerconfigjson", error.Message);
    }

    [Fact]
    public void Credentials_print_as_user_and_secret_without_the_password()
    {
        var secret = Secret($$"""{"auths": {"{{Registry}}": {"username": "pusher", "password": "{{Password}}" } } }""");

        Assert.Equal("pusher (from aerogrid-registry-push)", RegistryCredentials.FromSecret(secret, Registry).ToString());
    }
}
