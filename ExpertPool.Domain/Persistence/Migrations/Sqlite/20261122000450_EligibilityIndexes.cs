// Hand-written: EF design-time tools are not available here. See docs/decisions/002-hand-written-migrations.md.
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace ExpertPool.Domain.Persistence.Migrations.Sqlite;

/// <summary>Covering (Status, Id) index: the status rule reads the ids of experts not Active from the index alone.</summary>
[DbContext(typeof(SqliteExpertPoolDbContext))]
[Migration("20261122000450_EligibilityIndexes")]
public sealed class EligibilityIndexes : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
CREATE INDEX "IX_experts_Status_Id" ON "experts" ("Status", "Id");
""");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""DROP INDEX "IX_experts_Status_Id";""");
    }
}
