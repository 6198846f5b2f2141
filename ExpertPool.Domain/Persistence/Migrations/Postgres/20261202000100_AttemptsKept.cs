// Hand-written: EF design-time tools are not available here. See docs/decisions/002-hand-written-migrations.md.
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace ExpertPool.Domain.Persistence.Migrations.Postgres;

/// <summary>
/// Every attempt is kept, in the database as well as in the code (decision 017): a panel request is never deleted, and
/// once drawn, failed or cancelled it never changes; its commitment and nonce never change at all. Manual exclusions,
/// quotas and rule-set versions are never updated or deleted. None of these tables, nor the draw tables, can be
/// emptied with TRUNCATE (the row triggers of 20261122000350 do not fire for it).
/// </summary>
[DbContext(typeof(PostgresExpertPoolDbContext))]
[Migration("20261202000100_AttemptsKept")]
public sealed class AttemptsKept : Migration
{
    private static readonly string[] Immutable = ["manual_exclusions", "panel_quotas", "conflict_rule_sets"];

    private static readonly string[] NoTruncate =
        ["draw_records", "draw_selections", "draw_entropy", "panel_requests", "manual_exclusions", "panel_quotas", "conflict_rule_sets"];

    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
CREATE TRIGGER "panel_requests_no_delete" BEFORE DELETE ON panel_requests FOR EACH ROW EXECUTE FUNCTION expertpool_refuse_change();
""");
        migrationBuilder.Sql("""
CREATE TRIGGER "panel_requests_settled" BEFORE UPDATE ON panel_requests FOR EACH ROW
WHEN (OLD."Status" <> 'Scheduled'
   OR NEW."Commitment" IS DISTINCT FROM OLD."Commitment" OR NEW."Nonce" IS DISTINCT FROM OLD."Nonce"
   OR NEW."ProjectId" IS DISTINCT FROM OLD."ProjectId" OR NEW."ScheduledDrawAt" IS DISTINCT FROM OLD."ScheduledDrawAt"
   OR NEW."RequestedBy" IS DISTINCT FROM OLD."RequestedBy" OR NEW."CreatedAt" IS DISTINCT FROM OLD."CreatedAt"
   OR NEW."SupersedesRequestId" IS DISTINCT FROM OLD."SupersedesRequestId" OR NEW."RedrawReason" IS DISTINCT FROM OLD."RedrawReason")
EXECUTE FUNCTION expertpool_refuse_change();
""");
        foreach (var table in Immutable)
        {
            migrationBuilder.Sql($"""
CREATE TRIGGER "{table}_no_update" BEFORE UPDATE ON {table} FOR EACH ROW EXECUTE FUNCTION expertpool_refuse_change();
""");
            migrationBuilder.Sql($"""
CREATE TRIGGER "{table}_no_delete" BEFORE DELETE ON {table} FOR EACH ROW EXECUTE FUNCTION expertpool_refuse_change();
""");
        }
        foreach (var table in NoTruncate)
        {
            migrationBuilder.Sql($"""
CREATE TRIGGER "{table}_no_truncate" BEFORE TRUNCATE ON {table} FOR EACH STATEMENT EXECUTE FUNCTION expertpool_refuse_change();
""");
        }
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""DROP TRIGGER "panel_requests_no_delete" ON panel_requests;""");
        migrationBuilder.Sql("""DROP TRIGGER "panel_requests_settled" ON panel_requests;""");
        foreach (var table in Immutable)
        {
            migrationBuilder.Sql($"""DROP TRIGGER "{table}_no_update" ON {table};""");
            migrationBuilder.Sql($"""DROP TRIGGER "{table}_no_delete" ON {table};""");
        }
        foreach (var table in NoTruncate)
            migrationBuilder.Sql($"""DROP TRIGGER "{table}_no_truncate" ON {table};""");
    }
}
