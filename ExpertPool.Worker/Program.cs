using ExpertPool.Domain;
using ExpertPool.Domain.Jobs;
using ExpertPool.Domain.Persistence;

// The background jobs without the web server: for PostgreSQL deployments (clustered; run several) or a SQLite file
// whose Api has Jobs:RunInApi=false. Point Database:* at the Api's database. Migrates at start unless
// Database:MigrateOnStartup=false (see docs/decisions/022-quartz-tables-in-our-migrations.md).
var builder = Host.CreateApplicationBuilder(args);

// Links in reminders and replacement invitations are signed here and checked by the Api: both need the same key.
// A Worker that made up its own key would mail links the Api rejects, so refuse to start without one.
var keyFile = Path.GetFullPath(Path.Combine(builder.Environment.ContentRootPath,
    builder.Configuration["Invitations:SigningKeyFile"] ?? "data/secrets/invitation-signing.key"));
if (string.IsNullOrWhiteSpace(builder.Configuration["Invitations:SigningKey"]) && !File.Exists(keyFile))
{
    await Console.Error.WriteLineAsync(
        $"Invitations:SigningKey is not set and {keyFile} does not exist. Give the Worker the Api's link-signing key " +
        "(Invitations__SigningKey, or Invitations__SigningKeyFile pointing at the Api's key file).");
    return 1;
}

builder.Services.AddExpertPoolDomain(builder.Configuration, builder.Environment);
builder.Services.AddHostedService<MigrateOnStartupService>();
builder.Services.AddExpertPoolJobs(builder.Configuration, builder.Environment);
await builder.Build().RunAsync();
return 0;
