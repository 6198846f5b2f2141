// Hand-written: EF design-time tools are not available here. See docs/decisions/002-hand-written-migrations.md.
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace ExpertPool.Domain.Persistence.Migrations.Postgres;

/// <summary>Invitations of drawn experts, with the replacement chain (递补).</summary>
[DbContext(typeof(PostgresExpertPoolDbContext))]
[Migration("20261122000500_Invitations")]
public sealed class Invitations : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
CREATE TABLE invitations (
    "Id" uuid NOT NULL,
    "DrawRecordId" uuid NOT NULL,
    "PanelRequestId" uuid NOT NULL,
    "ProjectId" uuid NOT NULL,
    "ExpertId" uuid NOT NULL,
    "QuotaKey" character varying(8) NOT NULL,
    "DrawnAs" character varying(8) NOT NULL,
    "DrawnRank" integer NOT NULL,
    "ReplacesInvitationId" uuid,
    "Status" character varying(16) NOT NULL,
    "InvitedAt" timestamp with time zone NOT NULL,
    "Deadline" timestamp with time zone NOT NULL,
    "ReminderQueuedAt" timestamp with time zone,
    "RespondedAt" timestamp with time zone,
    "DeclineKind" character varying(16),
    "DeclineReason" character varying(500),
    "ConflictOrganisationId" uuid,
    "CancelReason" character varying(500),
    "CancelledBy" character varying(100),
    "Version" integer NOT NULL,
    CONSTRAINT "PK_invitations" PRIMARY KEY ("Id"),
    CONSTRAINT "FK_invitations_draw_records_DrawRecordId" FOREIGN KEY ("DrawRecordId") REFERENCES draw_records ("Id") ON DELETE RESTRICT,
    CONSTRAINT "FK_invitations_experts_ExpertId" FOREIGN KEY ("ExpertId") REFERENCES experts ("Id") ON DELETE RESTRICT,
    CONSTRAINT "FK_invitations_invitations_ReplacesInvitationId" FOREIGN KEY ("ReplacesInvitationId") REFERENCES invitations ("Id") ON DELETE RESTRICT
);
""");

        migrationBuilder.Sql("""
CREATE UNIQUE INDEX "IX_invitations_DrawRecordId_ExpertId" ON invitations ("DrawRecordId", "ExpertId");
""");

        migrationBuilder.Sql("""
CREATE INDEX "IX_invitations_ExpertId" ON invitations ("ExpertId");
""");

        migrationBuilder.Sql("""
CREATE INDEX "IX_invitations_PanelRequestId" ON invitations ("PanelRequestId");
""");

        migrationBuilder.Sql("""
CREATE INDEX "IX_invitations_ReplacesInvitationId" ON invitations ("ReplacesInvitationId");
""");

        migrationBuilder.Sql("""
CREATE INDEX "IX_invitations_Status_Deadline" ON invitations ("Status", "Deadline");
""");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""DROP TABLE invitations;""");
    }
}
