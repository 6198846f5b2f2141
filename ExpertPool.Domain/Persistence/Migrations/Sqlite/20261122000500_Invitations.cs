// Hand-written: EF design-time tools are not available here. See docs/decisions/002-hand-written-migrations.md.
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace ExpertPool.Domain.Persistence.Migrations.Sqlite;

/// <summary>Invitations of drawn experts, with the replacement chain (递补).</summary>
[DbContext(typeof(SqliteExpertPoolDbContext))]
[Migration("20261122000500_Invitations")]
public sealed class Invitations : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
CREATE TABLE "invitations" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_invitations" PRIMARY KEY,
    "DrawRecordId" TEXT NOT NULL,
    "PanelRequestId" TEXT NOT NULL,
    "ProjectId" TEXT NOT NULL,
    "ExpertId" TEXT NOT NULL,
    "QuotaKey" TEXT NOT NULL,
    "DrawnAs" TEXT NOT NULL,
    "DrawnRank" INTEGER NOT NULL,
    "ReplacesInvitationId" TEXT NULL,
    "Status" TEXT NOT NULL,
    "InvitedAt" TEXT NOT NULL,
    "Deadline" TEXT NOT NULL,
    "ReminderQueuedAt" TEXT NULL,
    "RespondedAt" TEXT NULL,
    "DeclineKind" TEXT NULL,
    "DeclineReason" TEXT NULL,
    "ConflictOrganisationId" TEXT NULL,
    "CancelReason" TEXT NULL,
    "CancelledBy" TEXT NULL,
    "Version" INTEGER NOT NULL,
    CONSTRAINT "FK_invitations_draw_records_DrawRecordId" FOREIGN KEY ("DrawRecordId") REFERENCES "draw_records" ("Id") ON DELETE RESTRICT,
    CONSTRAINT "FK_invitations_experts_ExpertId" FOREIGN KEY ("ExpertId") REFERENCES "experts" ("Id") ON DELETE RESTRICT,
    CONSTRAINT "FK_invitations_invitations_ReplacesInvitationId" FOREIGN KEY ("ReplacesInvitationId") REFERENCES "invitations" ("Id") ON DELETE RESTRICT
);
""");

        migrationBuilder.Sql("""
CREATE UNIQUE INDEX "IX_invitations_DrawRecordId_ExpertId" ON "invitations" ("DrawRecordId", "ExpertId");
""");

        migrationBuilder.Sql("""
CREATE INDEX "IX_invitations_ExpertId" ON "invitations" ("ExpertId");
""");

        migrationBuilder.Sql("""
CREATE INDEX "IX_invitations_PanelRequestId" ON "invitations" ("PanelRequestId");
""");

        migrationBuilder.Sql("""
CREATE INDEX "IX_invitations_ReplacesInvitationId" ON "invitations" ("ReplacesInvitationId");
""");

        migrationBuilder.Sql("""
CREATE INDEX "IX_invitations_Status_Deadline" ON "invitations" ("Status", "Deadline");
""");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""DROP TABLE invitations;""");
    }
}
