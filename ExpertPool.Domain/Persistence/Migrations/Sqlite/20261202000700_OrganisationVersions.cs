// Hand-written: EF design-time tools are not available here. See docs/decisions/002-hand-written-migrations.md.
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace ExpertPool.Domain.Persistence.Migrations.Sqlite;

/// <summary>
/// Organisations get a version, like experts and projects: their names and aliases are the same-organisation rule's
/// evidence, so one administrator's edit must not silently overwrite another's. Existing rows start at version 1; no
/// other column is touched.
/// </summary>
[DbContext(typeof(SqliteExpertPoolDbContext))]
[Migration("20261202000700_OrganisationVersions")]
public sealed class OrganisationVersions : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
ALTER TABLE "organisations" ADD COLUMN "Version" INTEGER NOT NULL DEFAULT 1;
""");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
ALTER TABLE "organisations" DROP COLUMN "Version";
""");
    }
}
