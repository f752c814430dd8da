using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace AeroGrid.Api.Meta;

/// <summary>One aspect of an object's observed state, as in Kubernetes' <c>metav1.Condition</c>.</summary>
[Description("One aspect of the object's observed state.")]
public sealed record Condition
{
    [Description("The aspect this condition describes, in CamelCase, e.g. Ready or ImageReady.")]
    [Required]
    public string Type { get; init; } = "";

    [Description("True, False or Unknown.")]
    [Required]
    public string Status { get; init; } = ConditionStatus.Unknown;

    [Description("A CamelCase word saying why the condition last changed.")]
    public string Reason { get; init; } = "";

    [Description("A sentence for people.")]
    public string Message { get; init; } = "";

    [Description("When the status last changed.")]
    public DateTimeOffset? LastTransitionTime { get; init; }

    [Description("The metadata.generation this condition was computed from.")]
    public long? ObservedGeneration { get; init; }
}

public static class ConditionStatus
{
    public const string True = "True";
    public const string False = "False";
    public const string Unknown = "Unknown";
}
