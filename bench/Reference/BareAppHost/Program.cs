using Microsoft.Extensions.Configuration;

// Four empty projects with the same waits as AeroGrid's AppHost: one first, three once it has started.
var builder = DistributedApplication.CreateBuilder(args);
var ports = builder.Configuration.GetSection("Bare:Ports").Get<int[]>() ?? [17440, 17460, 17480, 17400];
var first = Service("first", ports[0]);
foreach (var (name, port) in new[] { ("second", ports[1]), ("third", ports[2]), ("fourth", ports[3]) })
{
    Service(name, port).WaitForStart(first);
}
builder.Build().Run();

IResourceBuilder<ProjectResource> Service(string name, int port) =>
    builder.AddProject<Projects.EmptyService>(name)
        .WithHttpEndpoint(port: port, isProxied: false)
        .WithEndpoint("http", endpoint => endpoint.TargetHost = "127.0.0.1")
        .WithoutHttpsCertificate()
        .WithHttpHealthCheck("/health");
