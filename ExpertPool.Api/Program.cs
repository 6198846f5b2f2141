using ExpertPool.Api.Audit;
using ExpertPool.Api.Conflicts;
using ExpertPool.Api.Draws;
using ExpertPool.Api.Experts;
using ExpertPool.Api.Extensions;
using ExpertPool.Api.Organisations;
using ExpertPool.Api.Projects;
using ExpertPool.Api.Regions;
using ExpertPool.Api.Specialties;
using ExpertPool.Domain;

if (args.FirstOrDefault() == "bench-registry")
{
    await ExpertPool.Api.Benchmarks.RegistryBenchmark.RunAsync(args);
    return;
}
if (args.FirstOrDefault() == "bench-draw")
{
    await ExpertPool.Api.Benchmarks.DrawBenchmark.RunAsync(args);
    return;
}

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddExpertPoolDomain(builder.Configuration, builder.Environment);
builder.Services.AddApiBasics();
builder.Services.AddErrorHandling();
builder.Services.AddApiSecurity();

var app = builder.Build();
if (await app.TryRunCommandAsync(args))
    return;

app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseAuthentication();
app.UseAuthorization();
app.UseApiDocs();

app.MapHealthChecks("/health");
app.MapExperts();
app.MapSpecialties();
app.MapOrganisations();
app.MapRegions();
app.MapExpertRelations();
app.MapProjects();
app.MapConflictRules();
app.MapPanelRequests();
app.MapDraws();
app.MapAudit();

app.PrepareApiKeys();
await app.PrepareDatabaseAsync();
await app.RunAsync();

public partial class Program;
