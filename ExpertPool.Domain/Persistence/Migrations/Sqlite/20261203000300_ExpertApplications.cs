// Hand-written: EF design-time tools are not available here. See docs/decisions/002-hand-written-migrations.md.
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace ExpertPool.Domain.Persistence.Migrations.Sqlite;

/// <summary>
/// Applications from the public form (公开征集, decision 030): "expert_applications", append-only, at most one per
/// expert. Experts registered before this migration (by an administrator or a CSV import) have none.
/// </summary>
[DbContext(typeof(SqliteExpertPoolDbContext))]
[Migration("20261203000300_ExpertApplications")]
public sealed class ExpertApplications : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
CREATE TABLE "expert_applications" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_expert_applications" PRIMARY KEY,
    "ExpertId" TEXT NOT NULL,
    "Channel" TEXT NOT NULL,
    "YearsOfExperience" INTEGER NOT NULL,
    "Statement" TEXT NOT NULL,
    "Recommender" TEXT NULL,
    "ConsentText" TEXT NOT NULL,
    "SubmittedAt" TEXT NOT NULL,
    CONSTRAINT "FK_expert_applications_experts_ExpertId" FOREIGN KEY ("ExpertId") REFERENCES "experts" ("Id") ON DELETE RESTRICT
);
""");
        migrationBuilder.Sql("""
CREATE UNIQUE INDEX "IX_expert_applications_ExpertId" ON "expert_applications" ("ExpertId");
""");
        migrationBuilder.Sql("""
CREATE TRIGGER "expert_applications_no_update" BEFORE UPDATE ON "expert_applications"
BEGIN
    SELECT RAISE(ABORT, 'expert_applications is append-only: rows are never updated or deleted');
END;
""");
        migrationBuilder.Sql("""
CREATE TRIGGER "expert_applications_no_delete" BEFORE DELETE ON "expert_applications"
BEGIN
    SELECT RAISE(ABORT, 'expert_applications is append-only: rows are never updated or deleted');
END;
""");
        // As for the other kept tables (migration 20261202000600): INSERT OR REPLACE may not rewrite a row.
        migrationBuilder.Sql("""
CREATE TRIGGER "expert_applications_no_replace" BEFORE INSERT ON "expert_applications"
WHEN EXISTS (SELECT 1 FROM "expert_applications" WHERE "Id" = NEW."Id")
  OR EXISTS (SELECT 1 FROM "expert_applications" WHERE "ExpertId" = NEW."ExpertId")
BEGIN
    SELECT RAISE(ABORT, 'expert_applications is append-only: an insert may not replace a kept row');
END;
""");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""DROP TRIGGER "expert_applications_no_replace";""");
        migrationBuilder.Sql("""DROP TRIGGER "expert_applications_no_update";""");
        migrationBuilder.Sql("""DROP TRIGGER "expert_applications_no_delete";""");
        migrationBuilder.Sql("""DROP TABLE "expert_applications";""");
    }
}
