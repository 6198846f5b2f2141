// Hand-written: EF design-time tools are not available here. See docs/decisions/002-hand-written-migrations.md.
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace ExpertPool.Domain.Persistence.Migrations.Sqlite;

/// <summary>
/// An organisation's history (decision 018 addendum): "organisation_changes", append-only, one row per create, update or
/// delete with the name, credit code and aliases as they then stood. No foreign key, so it outlives a deleted
/// organisation. Organisations that exist before this migration get one "Backfilled" row with their current state, by
/// "migration", dated their last update: what they were before is not known.
/// </summary>
[DbContext(typeof(SqliteExpertPoolDbContext))]
[Migration("20261202000800_OrganisationChanges")]
public sealed class OrganisationChanges : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
CREATE TABLE "organisation_changes" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_organisation_changes" PRIMARY KEY,
    "OrganisationId" TEXT NOT NULL,
    "Kind" TEXT NOT NULL,
    "Version" INTEGER NOT NULL,
    "Name" TEXT NOT NULL,
    "CreditCode" TEXT NOT NULL,
    "AliasesJson" TEXT NOT NULL,
    "ChangedBy" TEXT NOT NULL,
    "ChangedAt" TEXT NOT NULL
);
""");
        migrationBuilder.Sql("""
CREATE INDEX "IX_organisation_changes_OrganisationId_ChangedAt" ON "organisation_changes" ("OrganisationId", "ChangedAt");
""");
        // The existing organisations' present state, as their first entry. The id is the organisation's own (a UUID
        // already, and unique here: one row per organisation); the aliases in ordinal (BINARY) order, as the service writes them.
        migrationBuilder.Sql("""
INSERT INTO "organisation_changes" ("Id", "OrganisationId", "Kind", "Version", "Name", "CreditCode", "AliasesJson", "ChangedBy", "ChangedAt")
SELECT o."Id", o."Id", 'Backfilled', o."Version", o."Name", o."CreditCode",
       COALESCE((SELECT json_group_array(a."Name" ORDER BY a."Name") FROM "organisation_aliases" AS a WHERE a."OrganisationId" = o."Id"), '[]'),
       'migration', o."UpdatedAt"
FROM "organisations" AS o;
""");
        migrationBuilder.Sql("""
CREATE TRIGGER "organisation_changes_no_update" BEFORE UPDATE ON "organisation_changes"
BEGIN
    SELECT RAISE(ABORT, 'organisation_changes is append-only: rows are never updated or deleted');
END;
""");
        migrationBuilder.Sql("""
CREATE TRIGGER "organisation_changes_no_delete" BEFORE DELETE ON "organisation_changes"
BEGIN
    SELECT RAISE(ABORT, 'organisation_changes is append-only: rows are never updated or deleted');
END;
""");
        // As for the other kept tables (migration 20261202000600): INSERT OR REPLACE may not rewrite a row.
        migrationBuilder.Sql("""
CREATE TRIGGER "organisation_changes_no_replace" BEFORE INSERT ON "organisation_changes"
WHEN EXISTS (SELECT 1 FROM "organisation_changes" WHERE "Id" = NEW."Id")
BEGIN
    SELECT RAISE(ABORT, 'organisation_changes is append-only: an insert may not replace a kept row');
END;
""");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""DROP TRIGGER "organisation_changes_no_replace";""");
        migrationBuilder.Sql("""DROP TRIGGER "organisation_changes_no_update";""");
        migrationBuilder.Sql("""DROP TRIGGER "organisation_changes_no_delete";""");
        migrationBuilder.Sql("""DROP TABLE "organisation_changes";""");
    }
}
