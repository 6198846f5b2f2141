using ExpertPool.Domain;
using ExpertPool.Domain.Jobs;
using ExpertPool.Domain.Persistence;

// The background jobs without the web server: for PostgreSQL deployments (clustered; run several) or a SQLite file
// whose Api has Jobs:RunInApi=false. Point Database:* at the Api's database. Migrates at start unless
// Database:MigrateOnStartup=false (see docs/decisions/022-quartz-tables-in-our-migrations.md).
var builder = Host.CreateApplicationBuilder(args);
builder.Services.AddExpertPoolDomain(builder.Configuration, builder.Environment);
builder.Services.AddHostedService<MigrateOnStartupService>();
builder.Services.AddExpertPoolJobs(builder.Configuration, builder.Environment);
await builder.Build().RunAsync();
