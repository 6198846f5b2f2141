// Hand-written: EF design-time tools are not available here. See docs/decisions/002-hand-written-migrations.md.
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace ExpertPool.Domain.Persistence.Migrations.Sqlite;

/// <summary>
/// An expert's registry history (decision 026): "expert_changes", append-only, one row per registration or edit that
/// changed a recorded field, personal data masked. Experts that exist before this migration get one "Backfilled" row
/// with their current state, by "migration", dated their last update: what they were before is not known.
/// </summary>
[DbContext(typeof(SqliteExpertPoolDbContext))]
[Migration("20261203000100_ExpertChanges")]
public sealed class ExpertChanges : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
CREATE TABLE "expert_changes" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_expert_changes" PRIMARY KEY,
    "ExpertId" TEXT NOT NULL,
    "Kind" TEXT NOT NULL,
    "Version" INTEGER NOT NULL,
    "ChangedFields" TEXT NOT NULL,
    "Name" TEXT NOT NULL,
    "IdNumberMasked" TEXT NOT NULL,
    "Gender" TEXT NOT NULL,
    "EmployerId" TEXT NOT NULL,
    "Title" TEXT NOT NULL,
    "TitleGrade" TEXT NOT NULL,
    "RegionCode" TEXT NOT NULL,
    "SpecialtyCodes" TEXT NOT NULL,
    "TermStart" TEXT NULL,
    "TermEnd" TEXT NULL,
    "BlackoutsJson" TEXT NOT NULL,
    "EmailMasked" TEXT NOT NULL,
    "PhoneMasked" TEXT NOT NULL,
    "PreferredLanguage" TEXT NOT NULL,
    "JoinChannel" TEXT NOT NULL,
    "ChangedBy" TEXT NOT NULL,
    "ChangedAt" TEXT NOT NULL,
    CONSTRAINT "FK_expert_changes_experts_ExpertId" FOREIGN KEY ("ExpertId") REFERENCES "experts" ("Id") ON DELETE RESTRICT
);
""");
        migrationBuilder.Sql("""
CREATE INDEX "IX_expert_changes_ExpertId_ChangedAt" ON "expert_changes" ("ExpertId", "ChangedAt");
""");
        // The existing experts' present state as their first entry, masked as the service masks (ChineseIdNumber.Mask,
        // PersonalData.MaskEmail, PersonalData.MaskPhone). The id is the expert's own (unique here: one row per expert).
        migrationBuilder.Sql("""
INSERT INTO "expert_changes" ("Id", "ExpertId", "Kind", "Version", "ChangedFields", "Name", "IdNumberMasked", "Gender", "EmployerId", "Title", "TitleGrade",
    "RegionCode", "SpecialtyCodes", "TermStart", "TermEnd", "BlackoutsJson", "EmailMasked", "PhoneMasked", "PreferredLanguage", "JoinChannel", "ChangedBy", "ChangedAt")
SELECT e."Id", e."Id", 'Backfilled', e."Version", '', e."Name",
       CASE WHEN length(e."IdNumber") <= 7 THEN substr('******************', 1, length(e."IdNumber"))
            ELSE substr(e."IdNumber", 1, 6) || substr('******************', 1, length(e."IdNumber") - 7) || substr(e."IdNumber", -1) END,
       e."Gender", e."EmployerId", e."Title", e."TitleGrade", e."RegionCode",
       COALESCE((SELECT group_concat(s."Code", ';' ORDER BY s."Code") FROM "expert_specialties" AS es JOIN "specialties" AS s ON s."Id" = es."SpecialtyId"
                 WHERE es."ExpertId" = e."Id"), ''),
       e."TermStart", e."TermEnd",
       COALESCE((SELECT json_group_array(json_object('from', b."From", 'to', b."To", 'reason', b."Reason") ORDER BY b."From", b."To", b."Reason")
                 FROM "availability_blackouts" AS b WHERE b."ExpertId" = e."Id"), '[]'),
       CASE WHEN instr(e."Email", '@') <= 1 THEN '***' ELSE substr(e."Email", 1, 1) || '***' || substr(e."Email", instr(e."Email", '@')) END,
       CASE WHEN length(e."Phone") <= 7 THEN substr('************************', 1, length(e."Phone"))
            ELSE substr(e."Phone", 1, 3) || substr('************************', 1, length(e."Phone") - 7) || substr(e."Phone", -4) END,
       e."PreferredLanguage", e."JoinChannel", 'migration', e."UpdatedAt"
FROM "experts" AS e;
""");
        migrationBuilder.Sql("""
CREATE TRIGGER "expert_changes_no_update" BEFORE UPDATE ON "expert_changes"
BEGIN
    SELECT RAISE(ABORT, 'expert_changes is append-only: rows are never updated or deleted');
END;
""");
        migrationBuilder.Sql("""
CREATE TRIGGER "expert_changes_no_delete" BEFORE DELETE ON "expert_changes"
BEGIN
    SELECT RAISE(ABORT, 'expert_changes is append-only: rows are never updated or deleted');
END;
""");
        // As for the other kept tables (migration 20261202000600): INSERT OR REPLACE may not rewrite a row.
        migrationBuilder.Sql("""
CREATE TRIGGER "expert_changes_no_replace" BEFORE INSERT ON "expert_changes"
WHEN EXISTS (SELECT 1 FROM "expert_changes" WHERE "Id" = NEW."Id")
BEGIN
    SELECT RAISE(ABORT, 'expert_changes is append-only: an insert may not replace a kept row');
END;
""");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""DROP TRIGGER "expert_changes_no_replace";""");
        migrationBuilder.Sql("""DROP TRIGGER "expert_changes_no_update";""");
        migrationBuilder.Sql("""DROP TRIGGER "expert_changes_no_delete";""");
        migrationBuilder.Sql("""DROP TABLE "expert_changes";""");
    }
}
