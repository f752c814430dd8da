var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddOperator();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapLogApi();
app.Run();
