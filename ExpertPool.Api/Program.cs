var builder = WebApplication.CreateBuilder(args);
var app = builder.Build();
app.MapGet("/", () => "ExpertPool");
await app.RunAsync();

public partial class Program;
