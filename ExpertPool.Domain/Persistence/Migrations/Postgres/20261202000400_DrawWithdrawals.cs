// Hand-written: EF design-time tools are not available here. See docs/decisions/002-hand-written-migrations.md.
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace ExpertPool.Domain.Persistence.Migrations.Postgres;

/// <summary>
/// A withdrawn draw keeps a trace (decision 004): draw_withdrawals, append-only, one row per withdrawn draw. Draws
/// withdrawn before this migration have no row: their cancelled invitations still hold the reason, who and when.
/// </summary>
[DbContext(typeof(PostgresExpertPoolDbContext))]
[Migration("20261202000400_DrawWithdrawals")]
public sealed class DrawWithdrawals : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
CREATE TABLE draw_withdrawals (
    "Id" uuid NOT NULL,
    "DrawRecordId" uuid NOT NULL,
    "Reason" character varying(500) NOT NULL,
    "WithdrawnBy" character varying(100) NOT NULL,
    "WithdrawnAt" timestamp with time zone NOT NULL,
    "CancelledInvitations" integer NOT NULL,
    CONSTRAINT "PK_draw_withdrawals" PRIMARY KEY ("Id"),
    CONSTRAINT "FK_draw_withdrawals_draw_records_DrawRecordId" FOREIGN KEY ("DrawRecordId") REFERENCES draw_records ("Id") ON DELETE RESTRICT
);
""");
        migrationBuilder.Sql("""
CREATE UNIQUE INDEX "IX_draw_withdrawals_DrawRecordId" ON draw_withdrawals ("DrawRecordId");
""");
        migrationBuilder.Sql("""
CREATE TRIGGER "draw_withdrawals_no_update" BEFORE UPDATE ON draw_withdrawals FOR EACH ROW EXECUTE FUNCTION expertpool_refuse_change();
""");
        migrationBuilder.Sql("""
CREATE TRIGGER "draw_withdrawals_no_delete" BEFORE DELETE ON draw_withdrawals FOR EACH ROW EXECUTE FUNCTION expertpool_refuse_change();
""");
        // Row triggers do not fire for TRUNCATE (as for the other append-only tables, migration 20261202000100).
        migrationBuilder.Sql("""
CREATE TRIGGER "draw_withdrawals_no_truncate" BEFORE TRUNCATE ON draw_withdrawals FOR EACH STATEMENT EXECUTE FUNCTION expertpool_refuse_change();
""");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""DROP TRIGGER "draw_withdrawals_no_update" ON draw_withdrawals;""");
        migrationBuilder.Sql("""DROP TRIGGER "draw_withdrawals_no_delete" ON draw_withdrawals;""");
        migrationBuilder.Sql("""DROP TRIGGER "draw_withdrawals_no_truncate" ON draw_withdrawals;""");
        migrationBuilder.Sql("""DROP TABLE draw_withdrawals;""");
    }
}
