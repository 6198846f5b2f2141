// Hand-written: EF design-time tools are not available here. See docs/decisions/002-hand-written-migrations.md.
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace ExpertPool.Domain.Persistence.Migrations.Postgres;

/// <summary>
/// Two tables an audit reads are now protected like the draw record (decision 031): expert_status_changes becomes
/// append-only, and an invitation keeps who was invited to which seat of which draw (expert, draw, quota, role, rank,
/// the seat it replaced, when) for good, is never deleted or truncated, and once answered never reopens.
/// </summary>
[DbContext(typeof(PostgresExpertPoolDbContext))]
[Migration("20261203000400_KeptSeatsAndStatusHistory")]
public sealed class KeptSeatsAndStatusHistory : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
CREATE TRIGGER "expert_status_changes_no_update" BEFORE UPDATE ON expert_status_changes FOR EACH ROW EXECUTE FUNCTION expertpool_refuse_change();
""");
        migrationBuilder.Sql("""
CREATE TRIGGER "expert_status_changes_no_delete" BEFORE DELETE ON expert_status_changes FOR EACH ROW EXECUTE FUNCTION expertpool_refuse_change();
""");
        migrationBuilder.Sql("""
CREATE TRIGGER "expert_status_changes_no_truncate" BEFORE TRUNCATE ON expert_status_changes FOR EACH STATEMENT EXECUTE FUNCTION expertpool_refuse_change();
""");
        migrationBuilder.Sql("""
CREATE FUNCTION expertpool_invitation_keeps_seat() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW."ExpertId" IS DISTINCT FROM OLD."ExpertId" OR NEW."DrawRecordId" IS DISTINCT FROM OLD."DrawRecordId"
       OR NEW."PanelRequestId" IS DISTINCT FROM OLD."PanelRequestId" OR NEW."ProjectId" IS DISTINCT FROM OLD."ProjectId"
       OR NEW."QuotaKey" IS DISTINCT FROM OLD."QuotaKey" OR NEW."DrawnAs" IS DISTINCT FROM OLD."DrawnAs"
       OR NEW."DrawnRank" IS DISTINCT FROM OLD."DrawnRank" OR NEW."ReplacesInvitationId" IS DISTINCT FROM OLD."ReplacesInvitationId"
       OR NEW."InvitedAt" IS DISTINCT FROM OLD."InvitedAt"
       OR (OLD."Status" <> NEW."Status" AND (OLD."Status" IN ('Declined', 'Expired', 'Cancelled', 'Skipped') OR (OLD."Status" = 'Confirmed' AND NEW."Status" <> 'Cancelled'))) THEN
        RAISE EXCEPTION 'invitations keep their seat: who was invited to which seat never changes, and an answer is final' USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END;
$$;
""");
        migrationBuilder.Sql("""
CREATE TRIGGER "invitations_keep_seat" BEFORE UPDATE ON invitations FOR EACH ROW EXECUTE FUNCTION expertpool_invitation_keeps_seat();
""");
        migrationBuilder.Sql("""
CREATE TRIGGER "invitations_no_delete" BEFORE DELETE ON invitations FOR EACH ROW EXECUTE FUNCTION expertpool_refuse_change();
""");
        migrationBuilder.Sql("""
CREATE TRIGGER "invitations_no_truncate" BEFORE TRUNCATE ON invitations FOR EACH STATEMENT EXECUTE FUNCTION expertpool_refuse_change();
""");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""DROP TRIGGER "invitations_no_truncate" ON invitations;""");
        migrationBuilder.Sql("""DROP TRIGGER "invitations_no_delete" ON invitations;""");
        migrationBuilder.Sql("""DROP TRIGGER "invitations_keep_seat" ON invitations;""");
        migrationBuilder.Sql("""DROP FUNCTION expertpool_invitation_keeps_seat();""");
        migrationBuilder.Sql("""DROP TRIGGER "expert_status_changes_no_truncate" ON expert_status_changes;""");
        migrationBuilder.Sql("""DROP TRIGGER "expert_status_changes_no_delete" ON expert_status_changes;""");
        migrationBuilder.Sql("""DROP TRIGGER "expert_status_changes_no_update" ON expert_status_changes;""");
    }
}
