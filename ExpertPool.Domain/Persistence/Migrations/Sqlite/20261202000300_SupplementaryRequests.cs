// Hand-written: EF design-time tools are not available here. See docs/decisions/002-hand-written-migrations.md.
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace ExpertPool.Domain.Persistence.Migrations.Sqlite;

/// <summary>
/// A panel request scheduled while the project's panel is in force is a supplementary draw (补抽) for that panel's empty
/// seats (decision 004): panel_requests gains "Supplementary", set when the request is scheduled. Existing requests
/// were not supplementary by this rule, so they keep false; no row is rewritten.
/// </summary>
[DbContext(typeof(SqliteExpertPoolDbContext))]
[Migration("20261202000300_SupplementaryRequests")]
public sealed class SupplementaryRequests : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
ALTER TABLE "panel_requests" ADD COLUMN "Supplementary" INTEGER NOT NULL DEFAULT 0;
""");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
ALTER TABLE "panel_requests" DROP COLUMN "Supplementary";
""");
    }
}
