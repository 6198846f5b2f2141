using System.Diagnostics;
using System.Globalization;
using ExpertPool.Domain.Persistence;
using ExpertPool.Domain.Seeding;
using Microsoft.Extensions.Options;

namespace ExpertPool.Api.Extensions;

public static class StartupTasks
{
    /// <summary>Creates or loads the API keys now, so a newcomer finds the key file before the first request.</summary>
    public static void PrepareApiKeys(this WebApplication app) => app.Services.GetRequiredService<Security.ApiKeyStore>();

    /// <summary>Applies pending migrations (when configured to, the default), then seeds demo data into an empty database.</summary>
    public static async Task PrepareDatabaseAsync(this WebApplication app)
    {
        var database = app.Services.GetRequiredService<IOptions<DatabaseOptions>>().Value;
        var seed = app.Services.GetRequiredService<IOptions<SeedOptions>>().Value;
        await using var scope = app.Services.CreateAsyncScope();
        if (database.MigrateOnStartup)
            await scope.ServiceProvider.GetRequiredService<DatabaseMigrator>().MigrateAsync(app.Lifetime.ApplicationStopping);
        var count = seed.DemoExpertsFor(database.Provider);
        if (count > 0 && seed.DemoDraw)
        {
            var now = app.Services.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime;
            await DemoDraw.SeedAsync(scope.ServiceProvider, count, seed.RandomSeed, now, app.Logger, app.Lifetime.ApplicationStopping);
        }
        else if (count > 0)
            await scope.ServiceProvider.GetRequiredService<DemoDataSeeder>().SeedAsync(count, seed.RandomSeed, app.Lifetime.ApplicationStopping);
    }

    /// <summary>
    /// Command-line verbs that run instead of the web server:
    /// <c>migrate</c> applies migrations; <c>seed --count N [--random-seed S]</c> migrates and seeds an empty database;
    /// <c>recount-engagements</c> migrates and rebuilds the per-year engagement counts (see <see cref="EngagementYearCounts"/>).
    /// Returns false when the arguments name no verb.
    /// </summary>
    public static async Task<bool> TryRunCommandAsync(this WebApplication app, string[] args)
    {
        var verb = args.FirstOrDefault(a => !a.StartsWith('-') && !a.Contains('=', StringComparison.Ordinal));
        if (verb is not ("migrate" or "seed" or "recount-engagements"))
            return false;
        await using var scope = app.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<DatabaseMigrator>().MigrateAsync();
        if (verb == "recount-engagements")
        {
            var rows = await EngagementYearCounts.RecountAsync(scope.ServiceProvider.GetRequiredService<ExpertPoolDbContext>(), CancellationToken.None);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"recounted engagements: {rows} expert-year rows"));
        }
        if (verb == "seed")
        {
            var seed = app.Services.GetRequiredService<IOptions<SeedOptions>>().Value;
            var count = IntArg(args, "--count") ?? 2000;
            var randomSeed = IntArg(args, "--random-seed") ?? seed.RandomSeed;
            var watch = Stopwatch.StartNew();
            var result = await scope.ServiceProvider.GetRequiredService<DemoDataSeeder>().SeedAsync(count, randomSeed, CancellationToken.None);
            Console.WriteLine(result.Seeded
                ? string.Create(CultureInfo.InvariantCulture, $"seeded {result.Experts} experts, {result.Organisations} organisations, {result.Specialties} specialties, {result.Regions} regions in {watch.Elapsed.TotalSeconds:F1} s")
                : $"nothing seeded: {result.Message}");
        }
        return true;
    }

    private static int? IntArg(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        if (i < 0)
            return null;
        if (i + 1 >= args.Length || !int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var v) || v < 0)
            throw new ArgumentException($"{name} needs a whole number");
        return v;
    }
}
