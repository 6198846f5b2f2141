// Hand-written: EF design-time tools are not available here. See docs/decisions/002-hand-written-migrations.md.
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace ExpertPool.Domain.Persistence.Migrations.Sqlite;

/// <summary>Append-only draw records, their selections and the external entropy; triggers refuse UPDATE and DELETE.</summary>
[DbContext(typeof(SqliteExpertPoolDbContext))]
[Migration("20261122000350_DrawRecords")]
public sealed class DrawRecords : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
CREATE TABLE "draw_entropy" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_draw_entropy" PRIMARY KEY,
    "PanelRequestId" TEXT NOT NULL,
    "Source" TEXT NOT NULL,
    "Value" TEXT NOT NULL,
    "EnteredBy" TEXT NOT NULL,
    "EnteredAt" TEXT NOT NULL,
    CONSTRAINT "FK_draw_entropy_panel_requests_PanelRequestId" FOREIGN KEY ("PanelRequestId") REFERENCES "panel_requests" ("Id") ON DELETE RESTRICT
);
""");

        migrationBuilder.Sql("""
CREATE TABLE "draw_records" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_draw_records" PRIMARY KEY,
    "PanelRequestId" TEXT NOT NULL,
    "ProjectId" TEXT NOT NULL,
    "Outcome" TEXT NOT NULL,
    "AlgorithmVersion" TEXT NOT NULL,
    "RequestedBy" TEXT NOT NULL,
    "SupervisorName" TEXT NOT NULL,
    "ExecutedBy" TEXT NOT NULL,
    "CommittedAt" TEXT NOT NULL,
    "ScheduledDrawAt" TEXT NOT NULL,
    "ExecutedAt" TEXT NOT NULL,
    "RuleSetId" TEXT NOT NULL,
    "RuleSetVersion" INTEGER NOT NULL,
    "Commitment" TEXT NOT NULL,
    "Nonce" TEXT NOT NULL,
    "PoolHash" TEXT NOT NULL,
    "Seed" TEXT NOT NULL,
    "EligibleTotal" INTEGER NOT NULL,
    "ExcludedTotal" INTEGER NOT NULL,
    "FailureReason" TEXT NULL,
    "Document" TEXT NOT NULL,
    "DocumentSha256" TEXT NOT NULL,
    CONSTRAINT "FK_draw_records_panel_requests_PanelRequestId" FOREIGN KEY ("PanelRequestId") REFERENCES "panel_requests" ("Id") ON DELETE RESTRICT
);
""");

        migrationBuilder.Sql("""
CREATE TABLE "draw_selections" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_draw_selections" PRIMARY KEY,
    "DrawRecordId" TEXT NOT NULL,
    "QuotaKey" TEXT NOT NULL,
    "ExpertId" TEXT NOT NULL,
    "Role" TEXT NOT NULL,
    "Rank" INTEGER NOT NULL,
    "Score" TEXT NOT NULL,
    CONSTRAINT "FK_draw_selections_draw_records_DrawRecordId" FOREIGN KEY ("DrawRecordId") REFERENCES "draw_records" ("Id") ON DELETE RESTRICT,
    CONSTRAINT "FK_draw_selections_experts_ExpertId" FOREIGN KEY ("ExpertId") REFERENCES "experts" ("Id") ON DELETE RESTRICT
);
""");

        migrationBuilder.Sql("""
CREATE INDEX "IX_draw_entropy_PanelRequestId_EnteredAt" ON "draw_entropy" ("PanelRequestId", "EnteredAt");
""");

        migrationBuilder.Sql("""
CREATE INDEX "IX_draw_records_ExecutedAt" ON "draw_records" ("ExecutedAt");
""");

        migrationBuilder.Sql("""
CREATE UNIQUE INDEX "IX_draw_records_PanelRequestId" ON "draw_records" ("PanelRequestId");
""");

        migrationBuilder.Sql("""
CREATE INDEX "IX_draw_records_ProjectId_ExecutedAt" ON "draw_records" ("ProjectId", "ExecutedAt");
""");

        migrationBuilder.Sql("""
CREATE UNIQUE INDEX "IX_draw_selections_DrawRecordId_QuotaKey_Role_Rank" ON "draw_selections" ("DrawRecordId", "QuotaKey", "Role", "Rank");
""");

        migrationBuilder.Sql("""
CREATE INDEX "IX_draw_selections_ExpertId" ON "draw_selections" ("ExpertId");
""");

        migrationBuilder.Sql("""
CREATE TRIGGER "draw_records_no_update" BEFORE UPDATE ON "draw_records"
BEGIN
    SELECT RAISE(ABORT, 'draw_records is append-only: rows are never updated or deleted');
END;
""");

        migrationBuilder.Sql("""
CREATE TRIGGER "draw_records_no_delete" BEFORE DELETE ON "draw_records"
BEGIN
    SELECT RAISE(ABORT, 'draw_records is append-only: rows are never updated or deleted');
END;
""");

        migrationBuilder.Sql("""
CREATE TRIGGER "draw_selections_no_update" BEFORE UPDATE ON "draw_selections"
BEGIN
    SELECT RAISE(ABORT, 'draw_selections is append-only: rows are never updated or deleted');
END;
""");

        migrationBuilder.Sql("""
CREATE TRIGGER "draw_selections_no_delete" BEFORE DELETE ON "draw_selections"
BEGIN
    SELECT RAISE(ABORT, 'draw_selections is append-only: rows are never updated or deleted');
END;
""");

        migrationBuilder.Sql("""
CREATE TRIGGER "draw_entropy_no_update" BEFORE UPDATE ON "draw_entropy"
BEGIN
    SELECT RAISE(ABORT, 'draw_entropy is append-only: rows are never updated or deleted');
END;
""");

        migrationBuilder.Sql("""
CREATE TRIGGER "draw_entropy_no_delete" BEFORE DELETE ON "draw_entropy"
BEGIN
    SELECT RAISE(ABORT, 'draw_entropy is append-only: rows are never updated or deleted');
END;
""");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""DROP TRIGGER "draw_records_no_update";""");
        migrationBuilder.Sql("""DROP TRIGGER "draw_records_no_delete";""");
        migrationBuilder.Sql("""DROP TRIGGER "draw_selections_no_update";""");
        migrationBuilder.Sql("""DROP TRIGGER "draw_selections_no_delete";""");
        migrationBuilder.Sql("""DROP TRIGGER "draw_entropy_no_update";""");
        migrationBuilder.Sql("""DROP TRIGGER "draw_entropy_no_delete";""");
        migrationBuilder.Sql("""DROP TABLE draw_selections;""");
        migrationBuilder.Sql("""DROP TABLE draw_entropy;""");
        migrationBuilder.Sql("""DROP TABLE draw_records;""");
    }
}
