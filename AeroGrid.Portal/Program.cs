var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddPortal();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapPortal();
app.Run();
