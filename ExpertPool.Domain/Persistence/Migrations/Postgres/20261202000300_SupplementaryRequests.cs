// Hand-written: EF design-time tools are not available here. See docs/decisions/002-hand-written-migrations.md.
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace ExpertPool.Domain.Persistence.Migrations.Postgres;

/// <summary>
/// A panel request scheduled while the project's panel is in force is a supplementary draw (补抽) for that panel's empty
/// seats (decision 004): panel_requests gains "Supplementary", set when the request is scheduled. Existing requests
/// were not supplementary by this rule, so they keep false. A constant default adds the column without rewriting rows
/// or firing the update triggers.
/// </summary>
[DbContext(typeof(PostgresExpertPoolDbContext))]
[Migration("20261202000300_SupplementaryRequests")]
public sealed class SupplementaryRequests : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
ALTER TABLE panel_requests ADD "Supplementary" boolean NOT NULL DEFAULT FALSE;
""");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""ALTER TABLE panel_requests DROP COLUMN "Supplementary";""");
    }
}
