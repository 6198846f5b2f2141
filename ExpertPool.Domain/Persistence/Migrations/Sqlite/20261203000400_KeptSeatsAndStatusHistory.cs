// Hand-written: EF design-time tools are not available here. See docs/decisions/002-hand-written-migrations.md.
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace ExpertPool.Domain.Persistence.Migrations.Sqlite;

/// <summary>
/// Two tables an audit reads are now protected like the draw record (decision 031): "expert_status_changes" becomes
/// append-only, and an invitation keeps who was invited to which seat of which draw (expert, draw, quota, role, rank,
/// the seat it replaced, when) for good, is never deleted, and once answered never reopens: the replacement (递补)
/// sequence and the public panel cannot be rewritten by an UPDATE.
/// </summary>
[DbContext(typeof(SqliteExpertPoolDbContext))]
[Migration("20261203000400_KeptSeatsAndStatusHistory")]
public sealed class KeptSeatsAndStatusHistory : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
CREATE TRIGGER "expert_status_changes_no_update" BEFORE UPDATE ON "expert_status_changes"
BEGIN
    SELECT RAISE(ABORT, 'expert_status_changes is append-only: rows are never updated or deleted');
END;
""");
        migrationBuilder.Sql("""
CREATE TRIGGER "expert_status_changes_no_delete" BEFORE DELETE ON "expert_status_changes"
BEGIN
    SELECT RAISE(ABORT, 'expert_status_changes is append-only: rows are never updated or deleted');
END;
""");
        migrationBuilder.Sql("""
CREATE TRIGGER "expert_status_changes_no_replace" BEFORE INSERT ON "expert_status_changes"
WHEN EXISTS (SELECT 1 FROM "expert_status_changes" WHERE "Id" = NEW."Id")
BEGIN
    SELECT RAISE(ABORT, 'expert_status_changes is append-only: an insert may not replace a kept row');
END;
""");
        migrationBuilder.Sql("""
CREATE TRIGGER "invitations_keep_seat" BEFORE UPDATE ON "invitations"
WHEN NEW."ExpertId" IS NOT OLD."ExpertId" OR NEW."DrawRecordId" IS NOT OLD."DrawRecordId" OR NEW."PanelRequestId" IS NOT OLD."PanelRequestId"
  OR NEW."ProjectId" IS NOT OLD."ProjectId" OR NEW."QuotaKey" IS NOT OLD."QuotaKey" OR NEW."DrawnAs" IS NOT OLD."DrawnAs"
  OR NEW."DrawnRank" IS NOT OLD."DrawnRank" OR NEW."ReplacesInvitationId" IS NOT OLD."ReplacesInvitationId" OR NEW."InvitedAt" IS NOT OLD."InvitedAt"
  OR (OLD."Status" <> NEW."Status" AND (OLD."Status" IN ('Declined', 'Expired', 'Cancelled', 'Skipped') OR (OLD."Status" = 'Confirmed' AND NEW."Status" <> 'Cancelled')))
BEGIN
    SELECT RAISE(ABORT, 'invitations keep their seat: who was invited to which seat never changes, and an answer is final');
END;
""");
        migrationBuilder.Sql("""
CREATE TRIGGER "invitations_no_delete" BEFORE DELETE ON "invitations"
BEGIN
    SELECT RAISE(ABORT, 'invitations are never deleted');
END;
""");
        migrationBuilder.Sql("""
CREATE TRIGGER "invitations_no_replace" BEFORE INSERT ON "invitations"
WHEN EXISTS (SELECT 1 FROM "invitations" WHERE "Id" = NEW."Id")
  OR EXISTS (SELECT 1 FROM "invitations" WHERE "DrawRecordId" = NEW."DrawRecordId" AND "ExpertId" = NEW."ExpertId")
BEGIN
    SELECT RAISE(ABORT, 'invitations are kept: an insert may not replace a kept row');
END;
""");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        foreach (var trigger in new[] { "invitations_no_replace", "invitations_no_delete", "invitations_keep_seat", "expert_status_changes_no_replace", "expert_status_changes_no_delete", "expert_status_changes_no_update" })
            migrationBuilder.Sql($"""DROP TRIGGER "{trigger}";""");
    }
}
