namespace AeroGrid.Tests.ServiceDefaults;

/// <summary>What the relay endpoint saw: its own server span, and the traceparent its HttpClient call carried.</summary>
public sealed record RelayResult(string ServerSpanId, string ForwardedTraceParent);
