// Hand-written: EF design-time tools are not available here. See docs/decisions/002-hand-written-migrations.md.
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace ExpertPool.Domain.Persistence.Migrations.Postgres;

/// <summary>Append-only draw records, their selections and the external entropy; triggers refuse UPDATE and DELETE.</summary>
[DbContext(typeof(PostgresExpertPoolDbContext))]
[Migration("20261122000350_DrawRecords")]
public sealed class DrawRecords : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
CREATE TABLE draw_entropy (
    "Id" uuid NOT NULL,
    "PanelRequestId" uuid NOT NULL,
    "Source" character varying(100) NOT NULL,
    "Value" character varying(500) NOT NULL,
    "EnteredBy" character varying(100) NOT NULL,
    "EnteredAt" timestamp with time zone NOT NULL,
    CONSTRAINT "PK_draw_entropy" PRIMARY KEY ("Id"),
    CONSTRAINT "FK_draw_entropy_panel_requests_PanelRequestId" FOREIGN KEY ("PanelRequestId") REFERENCES panel_requests ("Id") ON DELETE RESTRICT
);
""");

        migrationBuilder.Sql("""
CREATE TABLE draw_records (
    "Id" uuid NOT NULL,
    "PanelRequestId" uuid NOT NULL,
    "ProjectId" uuid NOT NULL,
    "Outcome" character varying(16) NOT NULL,
    "AlgorithmVersion" character varying(40) NOT NULL,
    "RequestedBy" character varying(100) NOT NULL,
    "SupervisorName" character varying(100) NOT NULL,
    "ExecutedBy" character varying(100) NOT NULL,
    "CommittedAt" timestamp with time zone NOT NULL,
    "ScheduledDrawAt" timestamp with time zone NOT NULL,
    "ExecutedAt" timestamp with time zone NOT NULL,
    "RuleSetId" uuid NOT NULL,
    "RuleSetVersion" integer NOT NULL,
    "Commitment" character varying(64) NOT NULL,
    "Nonce" character varying(64) NOT NULL,
    "PoolHash" character varying(64) NOT NULL,
    "Seed" character varying(64) NOT NULL,
    "EligibleTotal" integer NOT NULL,
    "ExcludedTotal" integer NOT NULL,
    "FailureReason" character varying(4000),
    "Document" text NOT NULL,
    "DocumentSha256" character varying(64) NOT NULL,
    CONSTRAINT "PK_draw_records" PRIMARY KEY ("Id"),
    CONSTRAINT "FK_draw_records_panel_requests_PanelRequestId" FOREIGN KEY ("PanelRequestId") REFERENCES panel_requests ("Id") ON DELETE RESTRICT
);
""");

        migrationBuilder.Sql("""
CREATE TABLE draw_selections (
    "Id" uuid NOT NULL,
    "DrawRecordId" uuid NOT NULL,
    "QuotaKey" character varying(8) NOT NULL,
    "ExpertId" uuid NOT NULL,
    "Role" character varying(8) NOT NULL,
    "Rank" integer NOT NULL,
    "Score" character varying(64) NOT NULL,
    CONSTRAINT "PK_draw_selections" PRIMARY KEY ("Id"),
    CONSTRAINT "FK_draw_selections_draw_records_DrawRecordId" FOREIGN KEY ("DrawRecordId") REFERENCES draw_records ("Id") ON DELETE RESTRICT,
    CONSTRAINT "FK_draw_selections_experts_ExpertId" FOREIGN KEY ("ExpertId") REFERENCES experts ("Id") ON DELETE RESTRICT
);
""");

        migrationBuilder.Sql("""
CREATE INDEX "IX_draw_entropy_PanelRequestId_EnteredAt" ON draw_entropy ("PanelRequestId", "EnteredAt");
""");

        migrationBuilder.Sql("""
CREATE INDEX "IX_draw_records_ExecutedAt" ON draw_records ("ExecutedAt");
""");

        migrationBuilder.Sql("""
CREATE UNIQUE INDEX "IX_draw_records_PanelRequestId" ON draw_records ("PanelRequestId");
""");

        migrationBuilder.Sql("""
CREATE INDEX "IX_draw_records_ProjectId_ExecutedAt" ON draw_records ("ProjectId", "ExecutedAt");
""");

        migrationBuilder.Sql("""
CREATE UNIQUE INDEX "IX_draw_selections_DrawRecordId_QuotaKey_Role_Rank" ON draw_selections ("DrawRecordId", "QuotaKey", "Role", "Rank");
""");

        migrationBuilder.Sql("""
CREATE INDEX "IX_draw_selections_ExpertId" ON draw_selections ("ExpertId");
""");

        migrationBuilder.Sql("""
CREATE FUNCTION expertpool_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    RAISE EXCEPTION '% is append-only: rows are never updated or deleted', TG_TABLE_NAME USING ERRCODE = 'integrity_constraint_violation';
END
$fn$;
""");

        migrationBuilder.Sql("""
CREATE TRIGGER "draw_records_no_update" BEFORE UPDATE ON draw_records FOR EACH ROW EXECUTE FUNCTION expertpool_refuse_change();
""");

        migrationBuilder.Sql("""
CREATE TRIGGER "draw_records_no_delete" BEFORE DELETE ON draw_records FOR EACH ROW EXECUTE FUNCTION expertpool_refuse_change();
""");

        migrationBuilder.Sql("""
CREATE TRIGGER "draw_selections_no_update" BEFORE UPDATE ON draw_selections FOR EACH ROW EXECUTE FUNCTION expertpool_refuse_change();
""");

        migrationBuilder.Sql("""
CREATE TRIGGER "draw_selections_no_delete" BEFORE DELETE ON draw_selections FOR EACH ROW EXECUTE FUNCTION expertpool_refuse_change();
""");

        migrationBuilder.Sql("""
CREATE TRIGGER "draw_entropy_no_update" BEFORE UPDATE ON draw_entropy FOR EACH ROW EXECUTE FUNCTION expertpool_refuse_change();
""");

        migrationBuilder.Sql("""
CREATE TRIGGER "draw_entropy_no_delete" BEFORE DELETE ON draw_entropy FOR EACH ROW EXECUTE FUNCTION expertpool_refuse_change();
""");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""DROP TRIGGER "draw_records_no_update" ON draw_records;""");
        migrationBuilder.Sql("""DROP TRIGGER "draw_records_no_delete" ON draw_records;""");
        migrationBuilder.Sql("""DROP TRIGGER "draw_selections_no_update" ON draw_selections;""");
        migrationBuilder.Sql("""DROP TRIGGER "draw_selections_no_delete" ON draw_selections;""");
        migrationBuilder.Sql("""DROP TRIGGER "draw_entropy_no_update" ON draw_entropy;""");
        migrationBuilder.Sql("""DROP TRIGGER "draw_entropy_no_delete" ON draw_entropy;""");
        migrationBuilder.Sql("""DROP TABLE draw_selections;""");
        migrationBuilder.Sql("""DROP TABLE draw_entropy;""");
        migrationBuilder.Sql("""DROP TABLE draw_records;""");
        migrationBuilder.Sql("""DROP FUNCTION expertpool_refuse_change();""");
    }
}
