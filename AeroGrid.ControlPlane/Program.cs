var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddControlPlane();
builder.Services.AddDevIssuer(builder.Configuration);

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapControlPlane();
app.MapDevIssuer();
app.Run();
