using Microsoft.EntityFrameworkCore;

namespace ExpertPool.Domain.Persistence;

/// <summary>
/// Recounts <c>expert_engagement_years</c> from <c>expert_engagements</c>. Triggers keep it exact in normal operation;
/// this repairs it after anything that wrote engagements with triggers off (a data-only restore with
/// <c>--disable-triggers</c>, a logical-replication subscriber, manual fixes). A count that ran low would let an
/// overloaded expert past the workload cap, so run it after such work: <c>dotnet ExpertPool.Api.dll recount-engagements</c>.
/// </summary>
public static class EngagementYearCounts
{
    /// <summary>Replaces every count in one transaction; writers of engagements wait for it on PostgreSQL. Returns the number of rows written.</summary>
    public static async Task<int> RecountAsync(ExpertPoolDbContext db, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        int rows;
        if (db.Database.IsNpgsql())
        {
            await db.Database.ExecuteSqlRawAsync("""LOCK TABLE expert_engagements IN SHARE ROW EXCLUSIVE MODE""", ct);
            await db.Database.ExecuteSqlRawAsync("""DELETE FROM expert_engagement_years""", ct);
            rows = await db.Database.ExecuteSqlRawAsync("""
                INSERT INTO expert_engagement_years ("ExpertId", "Year", "Count")
                SELECT "ExpertId", EXTRACT(YEAR FROM "ReviewDate")::integer, COUNT(*) FROM expert_engagements GROUP BY 1, 2
                """, ct);
        }
        else
        {
            await db.Database.ExecuteSqlRawAsync("""DELETE FROM "expert_engagement_years" """, ct);
            rows = await db.Database.ExecuteSqlRawAsync("""
                INSERT INTO "expert_engagement_years" ("ExpertId", "Year", "Count")
                SELECT "ExpertId", CAST(substr("ReviewDate", 1, 4) AS INTEGER), COUNT(*) FROM "expert_engagements" GROUP BY 1, 2
                """, ct);
        }
        await tx.CommitAsync(ct);
        return rows;
    }
}
