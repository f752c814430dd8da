using Yarp.ReverseProxy.Configuration;

// YARP as its documentation sets it up, forwarding --Prefix/** to --Upstream with the prefix stripped, as the gateway
// does: no token check, no telemetry, no header rules. What the gateway costs beyond it is AeroGrid's.
var builder = WebApplication.CreateBuilder(args);
var upstream = builder.Configuration["Upstream"] ?? throw new InvalidOperationException("--Upstream is required");
var prefix = builder.Configuration["Prefix"] ?? throw new InvalidOperationException("--Prefix is required");
RouteConfig[] routes =
[
    new RouteConfig
    {
        RouteId = "app",
        ClusterId = "app",
        Match = new RouteMatch { Path = prefix + "/{**rest}" },
        Transforms = [new Dictionary<string, string> { ["PathPattern"] = "/{**rest}" }],
    },
];
ClusterConfig[] clusters = [new ClusterConfig { ClusterId = "app", Destinations = new Dictionary<string, DestinationConfig> { ["app"] = new() { Address = upstream } } }];
builder.Services.AddReverseProxy().LoadFromMemory(routes, clusters);

var app = builder.Build();
app.MapGet("/health", () => "Healthy");
app.MapReverseProxy();
app.Run();
