// Hand-written: EF design-time tools are not available here. See docs/decisions/002-hand-written-migrations.md.
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace ExpertPool.Domain.Persistence.Migrations.Postgres;

/// <summary>
/// Entering a request's external entropy pins the rule-set version its draw applies (decision 017): draw_entropy gains
/// a nullable "RuleSetId". Rows entered before this migration keep null, and their draws apply the current version as
/// they always did. The table stays append-only; adding a nullable column rewrites no row and fires no trigger.
/// </summary>
[DbContext(typeof(PostgresExpertPoolDbContext))]
[Migration("20261202000200_RuleSetPinnedByEntropy")]
public sealed class RuleSetPinnedByEntropy : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
ALTER TABLE draw_entropy ADD "RuleSetId" uuid NULL;
""");
        migrationBuilder.Sql("""
CREATE INDEX "IX_draw_entropy_RuleSetId" ON draw_entropy ("RuleSetId");
""");
        migrationBuilder.Sql("""
ALTER TABLE draw_entropy ADD CONSTRAINT "FK_draw_entropy_conflict_rule_sets_RuleSetId" FOREIGN KEY ("RuleSetId") REFERENCES conflict_rule_sets ("Id") ON DELETE RESTRICT;
""");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""ALTER TABLE draw_entropy DROP CONSTRAINT "FK_draw_entropy_conflict_rule_sets_RuleSetId";""");
        migrationBuilder.Sql("""DROP INDEX "IX_draw_entropy_RuleSetId";""");
        migrationBuilder.Sql("""ALTER TABLE draw_entropy DROP COLUMN "RuleSetId";""");
    }
}
