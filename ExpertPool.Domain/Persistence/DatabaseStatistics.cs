using Microsoft.EntityFrameworkCore;

namespace ExpertPool.Domain.Persistence;

/// <summary>
/// Refreshes the query planner's statistics after bulk writes (seeding, CSV import). Without them SQLite picks the
/// low-selectivity status index for specialty filters and a list query over 100,000 experts takes seconds.
/// Both SQLite and PostgreSQL accept a bare ANALYZE.
/// </summary>
public static class DatabaseStatistics
{
    public static Task RefreshAsync(ExpertPoolDbContext db, CancellationToken ct) =>
        db.Database.ExecuteSqlRawAsync("ANALYZE;", ct);
}
