using System.Text.Json;

namespace AeroGrid.Client.Live;

/// <summary>A message published on a topic.</summary>
/// <param name="Sequence">Its number on the topic (starting again when the app restarts).</param>
/// <param name="Data">The message, any JSON value.</param>
/// <param name="AfterGap">True when messages before this one were missed (the app no longer had them to resend).</param>
public sealed record TopicMessage(long Sequence, JsonElement Data, bool AfterGap);
