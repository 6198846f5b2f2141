using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace ExpertPool.Domain.Persistence;

/// <summary>Applies the provider's pending migrations. Never EnsureCreated: every schema change is a versioned migration.</summary>
public sealed class DatabaseMigrator(ExpertPoolDbContext db, ILogger<DatabaseMigrator> logger)
{
    public async Task MigrateAsync(CancellationToken cancellationToken = default)
    {
        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
        if (pending.Count == 0)
        {
            logger.LogInformation("Database schema is up to date ({Provider}).", db.Database.ProviderName);
            return;
        }
        logger.LogInformation("Applying {Count} migration(s) on {Provider}: {Migrations}", pending.Count, db.Database.ProviderName, string.Join(", ", pending));
        await db.Database.MigrateAsync(cancellationToken);
        // New indexes need statistics before the planner uses them well.
        await DatabaseStatistics.RefreshAsync(db, cancellationToken);
    }
}
