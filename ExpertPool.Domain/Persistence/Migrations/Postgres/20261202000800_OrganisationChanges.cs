// Hand-written: EF design-time tools are not available here. See docs/decisions/002-hand-written-migrations.md.
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace ExpertPool.Domain.Persistence.Migrations.Postgres;

/// <summary>
/// An organisation's history (decision 018 addendum): organisation_changes, append-only, one row per create, update or
/// delete with the name, credit code and aliases as they then stood. No foreign key, so it outlives a deleted
/// organisation. Organisations that exist before this migration get one "Backfilled" row with their current state, by
/// "migration", dated their last update: what they were before is not known.
/// </summary>
[DbContext(typeof(PostgresExpertPoolDbContext))]
[Migration("20261202000800_OrganisationChanges")]
public sealed class OrganisationChanges : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
CREATE TABLE organisation_changes (
    "Id" uuid NOT NULL,
    "OrganisationId" uuid NOT NULL,
    "Kind" character varying(16) NOT NULL,
    "Version" integer NOT NULL,
    "Name" character varying(200) NOT NULL,
    "CreditCode" character varying(18) NOT NULL,
    "AliasesJson" text NOT NULL,
    "ChangedBy" character varying(100) NOT NULL,
    "ChangedAt" timestamp with time zone NOT NULL,
    CONSTRAINT "PK_organisation_changes" PRIMARY KEY ("Id")
);
""");
        migrationBuilder.Sql("""
CREATE INDEX "IX_organisation_changes_OrganisationId_ChangedAt" ON organisation_changes ("OrganisationId", "ChangedAt");
""");
        // The existing organisations' present state, as their first entry (the organisation's own id is unique here),
        // with the aliases in ordinal order (COLLATE "C"), as the service writes them.
        migrationBuilder.Sql("""
INSERT INTO organisation_changes ("Id", "OrganisationId", "Kind", "Version", "Name", "CreditCode", "AliasesJson", "ChangedBy", "ChangedAt")
SELECT o."Id", o."Id", 'Backfilled', o."Version", o."Name", o."CreditCode",
       COALESCE((SELECT '[' || string_agg(to_json(a."Name")::text, ',' ORDER BY a."Name" COLLATE "C") || ']' FROM organisation_aliases AS a WHERE a."OrganisationId" = o."Id"), '[]'),
       'migration', o."UpdatedAt"
FROM organisations AS o;
""");
        migrationBuilder.Sql("""
CREATE TRIGGER "organisation_changes_no_update" BEFORE UPDATE ON organisation_changes FOR EACH ROW EXECUTE FUNCTION expertpool_refuse_change();
""");
        migrationBuilder.Sql("""
CREATE TRIGGER "organisation_changes_no_delete" BEFORE DELETE ON organisation_changes FOR EACH ROW EXECUTE FUNCTION expertpool_refuse_change();
""");
        migrationBuilder.Sql("""
CREATE TRIGGER "organisation_changes_no_truncate" BEFORE TRUNCATE ON organisation_changes FOR EACH STATEMENT EXECUTE FUNCTION expertpool_refuse_change();
""");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""DROP TRIGGER "organisation_changes_no_update" ON organisation_changes;""");
        migrationBuilder.Sql("""DROP TRIGGER "organisation_changes_no_delete" ON organisation_changes;""");
        migrationBuilder.Sql("""DROP TRIGGER "organisation_changes_no_truncate" ON organisation_changes;""");
        migrationBuilder.Sql("""DROP TABLE organisation_changes;""");
    }
}
