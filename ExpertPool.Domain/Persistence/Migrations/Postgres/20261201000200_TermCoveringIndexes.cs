// Hand-written: EF design-time tools are not available here. See docs/decisions/002-hand-written-migrations.md.
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace ExpertPool.Domain.Persistence.Migrations.Postgres;

/// <summary>
/// The term rule reads the experts whose term ended before, or starts after, the review date, with both dates for the
/// evidence: the (TermEnd) and (TermStart) indexes become (TermEnd, TermStart, Id) and (TermStart, TermEnd, Id), so
/// those rows need no table lookups (docs/decisions/013-eligibility-speed.md, section 7).
/// </summary>
[DbContext(typeof(PostgresExpertPoolDbContext))]
[Migration("20261201000200_TermCoveringIndexes")]
public sealed class TermCoveringIndexes : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
CREATE INDEX "IX_experts_TermEnd_TermStart_Id" ON experts ("TermEnd", "TermStart", "Id");
CREATE INDEX "IX_experts_TermStart_TermEnd_Id" ON experts ("TermStart", "TermEnd", "Id");
DROP INDEX "IX_experts_TermEnd";
DROP INDEX "IX_experts_TermStart";
""");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
CREATE INDEX "IX_experts_TermEnd" ON experts ("TermEnd");
CREATE INDEX "IX_experts_TermStart" ON experts ("TermStart");
DROP INDEX "IX_experts_TermEnd_TermStart_Id";
DROP INDEX "IX_experts_TermStart_TermEnd_Id";
""");
    }
}
