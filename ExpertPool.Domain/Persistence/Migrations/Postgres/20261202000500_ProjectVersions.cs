// Hand-written: EF design-time tools are not available here. See docs/decisions/002-hand-written-migrations.md.
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace ExpertPool.Domain.Persistence.Migrations.Postgres;

/// <summary>
/// Projects get a version, like experts: the ETag of a read, sent back as If-Match on an update, so one administrator's
/// edit cannot silently overwrite another's. Existing projects start at version 1; no other column is touched.
/// </summary>
[DbContext(typeof(PostgresExpertPoolDbContext))]
[Migration("20261202000500_ProjectVersions")]
public sealed class ProjectVersions : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
ALTER TABLE projects ADD COLUMN "Version" integer NOT NULL DEFAULT 1;
""");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
ALTER TABLE projects DROP COLUMN "Version";
""");
    }
}
