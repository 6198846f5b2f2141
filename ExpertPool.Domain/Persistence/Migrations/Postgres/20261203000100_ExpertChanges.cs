// Hand-written: EF design-time tools are not available here. See docs/decisions/002-hand-written-migrations.md.
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace ExpertPool.Domain.Persistence.Migrations.Postgres;

/// <summary>
/// An expert's registry history (decision 026): expert_changes, append-only, one row per registration or edit that
/// changed a recorded field, personal data masked. Experts that exist before this migration get one "Backfilled" row
/// with their current state, by "migration", dated their last update: what they were before is not known.
/// </summary>
[DbContext(typeof(PostgresExpertPoolDbContext))]
[Migration("20261203000100_ExpertChanges")]
public sealed class ExpertChanges : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
CREATE TABLE expert_changes (
    "Id" uuid NOT NULL,
    "ExpertId" uuid NOT NULL,
    "Kind" character varying(16) NOT NULL,
    "Version" integer NOT NULL,
    "ChangedFields" character varying(400) NOT NULL,
    "Name" character varying(100) NOT NULL,
    "IdNumberMasked" character varying(18) NOT NULL,
    "Gender" character varying(16) NOT NULL,
    "EmployerId" uuid NOT NULL,
    "Title" character varying(100) NOT NULL,
    "TitleGrade" character varying(24) NOT NULL,
    "RegionCode" character varying(6) NOT NULL,
    "SpecialtyCodes" text NOT NULL,
    "TermStart" date,
    "TermEnd" date,
    "BlackoutsJson" text NOT NULL,
    "EmailMasked" character varying(254) NOT NULL,
    "PhoneMasked" character varying(24) NOT NULL,
    "PreferredLanguage" character varying(8) NOT NULL,
    "JoinChannel" character varying(32) NOT NULL,
    "ChangedBy" character varying(100) NOT NULL,
    "ChangedAt" timestamp with time zone NOT NULL,
    CONSTRAINT "PK_expert_changes" PRIMARY KEY ("Id"),
    CONSTRAINT "FK_expert_changes_experts_ExpertId" FOREIGN KEY ("ExpertId") REFERENCES experts ("Id") ON DELETE RESTRICT
);
""");
        migrationBuilder.Sql("""
CREATE INDEX "IX_expert_changes_ExpertId_ChangedAt" ON expert_changes ("ExpertId", "ChangedAt");
""");
        // The existing experts' present state as their first entry, masked as the service masks (ChineseIdNumber.Mask,
        // PersonalData.MaskEmail, PersonalData.MaskPhone), codes in ordinal order (COLLATE "C").
        migrationBuilder.Sql("""
INSERT INTO expert_changes ("Id", "ExpertId", "Kind", "Version", "ChangedFields", "Name", "IdNumberMasked", "Gender", "EmployerId", "Title", "TitleGrade",
    "RegionCode", "SpecialtyCodes", "TermStart", "TermEnd", "BlackoutsJson", "EmailMasked", "PhoneMasked", "PreferredLanguage", "JoinChannel", "ChangedBy", "ChangedAt")
SELECT e."Id", e."Id", 'Backfilled', e."Version", '', e."Name",
       CASE WHEN length(e."IdNumber") <= 7 THEN repeat('*', length(e."IdNumber"))
            ELSE left(e."IdNumber", 6) || repeat('*', length(e."IdNumber") - 7) || right(e."IdNumber", 1) END,
       e."Gender", e."EmployerId", e."Title", e."TitleGrade", e."RegionCode",
       COALESCE((SELECT string_agg(s."Code", ';' ORDER BY s."Code" COLLATE "C") FROM expert_specialties AS es JOIN specialties AS s ON s."Id" = es."SpecialtyId"
                 WHERE es."ExpertId" = e."Id"), ''),
       e."TermStart", e."TermEnd",
       COALESCE((SELECT json_agg(json_build_object('from', to_char(b."From", 'YYYY-MM-DD'), 'to', to_char(b."To", 'YYYY-MM-DD'), 'reason', b."Reason")
                 ORDER BY b."From", b."To", b."Reason" COLLATE "C")::text FROM availability_blackouts AS b WHERE b."ExpertId" = e."Id"), '[]'),
       CASE WHEN position('@' in e."Email") <= 1 THEN '***' ELSE left(e."Email", 1) || '***' || substr(e."Email", position('@' in e."Email")) END,
       CASE WHEN length(e."Phone") <= 7 THEN repeat('*', length(e."Phone"))
            ELSE left(e."Phone", 3) || repeat('*', length(e."Phone") - 7) || right(e."Phone", 4) END,
       e."PreferredLanguage", e."JoinChannel", 'migration', e."UpdatedAt"
FROM experts AS e;
""");
        migrationBuilder.Sql("""
CREATE TRIGGER "expert_changes_no_update" BEFORE UPDATE ON expert_changes FOR EACH ROW EXECUTE FUNCTION expertpool_refuse_change();
""");
        migrationBuilder.Sql("""
CREATE TRIGGER "expert_changes_no_delete" BEFORE DELETE ON expert_changes FOR EACH ROW EXECUTE FUNCTION expertpool_refuse_change();
""");
        migrationBuilder.Sql("""
CREATE TRIGGER "expert_changes_no_truncate" BEFORE TRUNCATE ON expert_changes FOR EACH STATEMENT EXECUTE FUNCTION expertpool_refuse_change();
""");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""DROP TRIGGER "expert_changes_no_update" ON expert_changes;""");
        migrationBuilder.Sql("""DROP TRIGGER "expert_changes_no_delete" ON expert_changes;""");
        migrationBuilder.Sql("""DROP TRIGGER "expert_changes_no_truncate" ON expert_changes;""");
        migrationBuilder.Sql("""DROP TABLE expert_changes;""");
    }
}
