using System.Text.Json.Nodes;

namespace AeroGrid.AppHost.Auth0;

/// <summary>
/// One object provisioning keeps as the settings say: how to find it, what it must hold (the fields AeroGrid cares about;
/// Auth0's others are left as they are), and where it is created and updated.
/// </summary>
internal sealed record Auth0Object(string Kind, string Name, JsonObject Desired)
{
    /// <summary>Reads the object as Auth0 has it, or null when it does not exist.</summary>
    public required Func<ManagementApiClient, CancellationToken, Task<JsonObject?>> FindAsync { get; init; }

    /// <summary>Where a missing object is created (POST); null for a singleton that always exists, such as the tenant's settings.</summary>
    public string? CreatePath { get; init; }

    /// <summary>Where an existing object is updated (PATCH), from the object as found.</summary>
    public required Func<JsonObject, string> UpdatePath { get; init; }

    /// <summary>Fields sent only on create, because Auth0 does not take them in an update (an API's identifier, a grant's client).</summary>
    public IReadOnlyCollection<string> CreateOnly { get; init; } = [];
}
