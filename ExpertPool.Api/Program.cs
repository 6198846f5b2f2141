using ExpertPool.Api.Invitations;
using ExpertPool.Api.Audit;
using ExpertPool.Api.Conflicts;
using ExpertPool.Api.Draws;
using ExpertPool.Api.Experts;
using ExpertPool.Api.Extensions;
using ExpertPool.Api.Notices;
using ExpertPool.Api.Organisations;
using ExpertPool.Api.Projects;
using ExpertPool.Api.Regions;
using ExpertPool.Api.Specialties;
using ExpertPool.Domain;

if (await ExpertPool.Api.Benchmarks.BenchmarkCommands.TryRunAsync(args))
    return;

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddExpertPoolDomain(builder.Configuration, builder.Environment);
builder.Services.AddApiBasics();
builder.Services.AddErrorHandling();
builder.Services.AddApiSecurity();
builder.Services.AddPublicationPages();
builder.Services.AddApplicationPages();
builder.Services.AddInProcessJobs(builder.Configuration, builder.Environment);

var app = builder.Build();
if (await app.TryRunCommandAsync(args))
    return;

app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseAuthentication();
app.UseAuthorization();
app.UseRateLimiter();
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
app.MapInvitationPages();
app.MapApplicationPages();
app.MapPublicationPages();
app.MapNotices();

app.PrepareApiKeys();
await app.PrepareDatabaseAsync();
await app.RunAsync();

public partial class Program;
