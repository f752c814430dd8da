using System.Text.Json;
using System.Text.Json.Serialization;
using k8s;

namespace AeroGrid.Api.Serialization;

/// <summary>The JSON conventions of the Kubernetes API: camelCase, absent rather than null.</summary>
public static class ApiJson
{
    public static JsonSerializerOptions Options { get; } = Create(strict: false);

    /// <summary>Like <see cref="Options"/>, but an unknown field is an error (<c>fieldValidation=Strict</c>).</summary>
    public static JsonSerializerOptions Strict { get; } = Create(strict: true);

    private static JsonSerializerOptions Create(bool strict)
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            UnmappedMemberHandling = strict ? JsonUnmappedMemberHandling.Disallow : JsonUnmappedMemberHandling.Skip,
            AllowTrailingCommas = false,
            Converters = { new KubernetesJson.KubernetesDateTimeConverter() },
        };
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
