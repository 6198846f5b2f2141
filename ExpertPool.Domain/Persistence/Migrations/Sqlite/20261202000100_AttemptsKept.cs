// Hand-written: EF design-time tools are not available here. See docs/decisions/002-hand-written-migrations.md.
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace ExpertPool.Domain.Persistence.Migrations.Sqlite;

/// <summary>
/// Every attempt is kept, in the database as well as in the code (decision 017): a panel request is never deleted, and
/// once drawn, failed or cancelled it never changes; its commitment and nonce never change at all. Manual exclusions,
/// quotas and rule-set versions are never updated or deleted.
/// </summary>
[DbContext(typeof(SqliteExpertPoolDbContext))]
[Migration("20261202000100_AttemptsKept")]
public sealed class AttemptsKept : Migration
{
    private static readonly string[] Immutable = ["manual_exclusions", "panel_quotas", "conflict_rule_sets"];

    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
CREATE TRIGGER "panel_requests_no_delete" BEFORE DELETE ON "panel_requests"
BEGIN
    SELECT RAISE(ABORT, 'panel_requests is append-only: every attempt is kept, rows are never deleted');
END;
""");
        migrationBuilder.Sql("""
CREATE TRIGGER "panel_requests_settled" BEFORE UPDATE ON "panel_requests"
WHEN OLD."Status" <> 'Scheduled'
  OR NEW."Commitment" IS NOT OLD."Commitment" OR NEW."Nonce" IS NOT OLD."Nonce"
  OR NEW."ProjectId" IS NOT OLD."ProjectId" OR NEW."ScheduledDrawAt" IS NOT OLD."ScheduledDrawAt"
  OR NEW."RequestedBy" IS NOT OLD."RequestedBy" OR NEW."CreatedAt" IS NOT OLD."CreatedAt"
  OR NEW."SupersedesRequestId" IS NOT OLD."SupersedesRequestId" OR NEW."RedrawReason" IS NOT OLD."RedrawReason"
BEGIN
    SELECT RAISE(ABORT, 'panel_requests is append-only once settled: a drawn, failed or cancelled attempt and a commitment never change');
END;
""");
        foreach (var table in Immutable)
        {
            migrationBuilder.Sql($"""
CREATE TRIGGER "{table}_no_update" BEFORE UPDATE ON "{table}"
BEGIN
    SELECT RAISE(ABORT, '{table} is append-only: rows are never updated or deleted');
END;
""");
            migrationBuilder.Sql($"""
CREATE TRIGGER "{table}_no_delete" BEFORE DELETE ON "{table}"
BEGIN
    SELECT RAISE(ABORT, '{table} is append-only: rows are never updated or deleted');
END;
""");
        }
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""DROP TRIGGER "panel_requests_no_delete";""");
        migrationBuilder.Sql("""DROP TRIGGER "panel_requests_settled";""");
        foreach (var table in Immutable)
        {
            migrationBuilder.Sql($"""DROP TRIGGER "{table}_no_update";""");
            migrationBuilder.Sql($"""DROP TRIGGER "{table}_no_delete";""");
        }
    }
}
