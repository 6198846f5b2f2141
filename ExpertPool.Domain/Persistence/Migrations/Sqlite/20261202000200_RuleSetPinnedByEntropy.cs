// Hand-written: EF design-time tools are not available here. See docs/decisions/002-hand-written-migrations.md.
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace ExpertPool.Domain.Persistence.Migrations.Sqlite;

/// <summary>
/// Entering a request's external entropy pins the rule-set version its draw applies (decision 017): draw_entropy gains
/// a nullable "RuleSetId". Rows entered before this migration keep null, and their draws apply the current version as
/// they always did. The table stays append-only; adding a column rewrites no row.
/// </summary>
[DbContext(typeof(SqliteExpertPoolDbContext))]
[Migration("20261202000200_RuleSetPinnedByEntropy")]
public sealed class RuleSetPinnedByEntropy : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
ALTER TABLE "draw_entropy" ADD COLUMN "RuleSetId" TEXT NULL
    CONSTRAINT "FK_draw_entropy_conflict_rule_sets_RuleSetId" REFERENCES "conflict_rule_sets" ("Id") ON DELETE RESTRICT;
""");
        migrationBuilder.Sql("""
CREATE INDEX "IX_draw_entropy_RuleSetId" ON "draw_entropy" ("RuleSetId");
""");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        // SQLite cannot drop a column that has a foreign key: the table is rebuilt without it, keeping every row.
        migrationBuilder.Sql("""
DROP INDEX "IX_draw_entropy_RuleSetId";
DROP TRIGGER "draw_entropy_no_update";
DROP TRIGGER "draw_entropy_no_delete";
CREATE TABLE "draw_entropy_old" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_draw_entropy" PRIMARY KEY,
    "PanelRequestId" TEXT NOT NULL,
    "Source" TEXT NOT NULL,
    "Value" TEXT NOT NULL,
    "EnteredBy" TEXT NOT NULL,
    "EnteredAt" TEXT NOT NULL,
    CONSTRAINT "FK_draw_entropy_panel_requests_PanelRequestId" FOREIGN KEY ("PanelRequestId") REFERENCES "panel_requests" ("Id") ON DELETE RESTRICT
);
INSERT INTO "draw_entropy_old" ("Id", "PanelRequestId", "Source", "Value", "EnteredBy", "EnteredAt")
    SELECT "Id", "PanelRequestId", "Source", "Value", "EnteredBy", "EnteredAt" FROM "draw_entropy";
DROP TABLE "draw_entropy";
ALTER TABLE "draw_entropy_old" RENAME TO "draw_entropy";
CREATE INDEX "IX_draw_entropy_PanelRequestId_EnteredAt" ON "draw_entropy" ("PanelRequestId", "EnteredAt");
CREATE TRIGGER "draw_entropy_no_update" BEFORE UPDATE ON "draw_entropy"
BEGIN
    SELECT RAISE(ABORT, 'draw_entropy is append-only: rows are never updated or deleted');
END;
CREATE TRIGGER "draw_entropy_no_delete" BEFORE DELETE ON "draw_entropy"
BEGIN
    SELECT RAISE(ABORT, 'draw_entropy is append-only: rows are never updated or deleted');
END;
""");
    }
}
