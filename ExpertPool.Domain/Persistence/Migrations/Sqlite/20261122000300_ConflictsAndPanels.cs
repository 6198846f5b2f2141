// Hand-written: EF design-time tools are not available here. See docs/decisions/002-hand-written-migrations.md.
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace ExpertPool.Domain.Persistence.Migrations.Sqlite;

[DbContext(typeof(SqliteExpertPoolDbContext))]
[Migration("20261122000300_ConflictsAndPanels")]
public sealed class ConflictsAndPanels : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
CREATE TABLE "conflict_rule_sets" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_conflict_rule_sets" PRIMARY KEY,
    "Scope" TEXT NOT NULL,
    "Version" INTEGER NOT NULL,
    "EngagementType" TEXT NULL,
    "CreatedAt" TEXT NOT NULL,
    "CreatedBy" TEXT NOT NULL,
    "ChangeReason" TEXT NOT NULL,
    "SettingsJson" TEXT NOT NULL
);
""");

        migrationBuilder.Sql("""
CREATE TABLE "projects" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_projects" PRIMARY KEY,
    "Code" TEXT NOT NULL,
    "Name" TEXT NOT NULL,
    "EngagementType" TEXT NOT NULL,
    "ReviewStartsAt" TEXT NOT NULL,
    "Place" TEXT NOT NULL,
    "RegionCode" TEXT NULL,
    "CreatedBy" TEXT NOT NULL,
    "CreatedAt" TEXT NOT NULL,
    "UpdatedAt" TEXT NOT NULL,
    CONSTRAINT "FK_projects_regions_RegionCode" FOREIGN KEY ("RegionCode") REFERENCES "regions" ("Code") ON DELETE RESTRICT
);
""");

        migrationBuilder.Sql("""
CREATE TABLE "expert_relations" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_expert_relations" PRIMARY KEY,
    "ExpertId" TEXT NOT NULL,
    "OrganisationId" TEXT NOT NULL,
    "Kind" TEXT NOT NULL,
    "From" TEXT NULL,
    "To" TEXT NULL,
    "Note" TEXT NULL,
    "RecordedBy" TEXT NOT NULL,
    "RecordedAt" TEXT NOT NULL,
    "EndedAt" TEXT NULL,
    CONSTRAINT "FK_expert_relations_experts_ExpertId" FOREIGN KEY ("ExpertId") REFERENCES "experts" ("Id") ON DELETE RESTRICT,
    CONSTRAINT "FK_expert_relations_organisations_OrganisationId" FOREIGN KEY ("OrganisationId") REFERENCES "organisations" ("Id") ON DELETE RESTRICT
);
""");

        migrationBuilder.Sql("""
CREATE TABLE "panel_requests" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_panel_requests" PRIMARY KEY,
    "ProjectId" TEXT NOT NULL,
    "ReplyDeadline" TEXT NOT NULL,
    "ScheduledDrawAt" TEXT NOT NULL,
    "SupervisorName" TEXT NOT NULL,
    "RequestedBy" TEXT NOT NULL,
    "CreatedAt" TEXT NOT NULL,
    "Status" TEXT NOT NULL,
    "CancelReason" TEXT NULL,
    "CancelledBy" TEXT NULL,
    "CancelledAt" TEXT NULL,
    "DrawnAt" TEXT NULL,
    "FailureReason" TEXT NULL,
    "SupersedesRequestId" TEXT NULL,
    "RedrawReason" TEXT NULL,
    "Commitment" TEXT NOT NULL,
    "Nonce" BLOB NOT NULL,
    CONSTRAINT "FK_panel_requests_panel_requests_SupersedesRequestId" FOREIGN KEY ("SupersedesRequestId") REFERENCES "panel_requests" ("Id") ON DELETE RESTRICT,
    CONSTRAINT "FK_panel_requests_projects_ProjectId" FOREIGN KEY ("ProjectId") REFERENCES "projects" ("Id") ON DELETE RESTRICT
);
""");

        migrationBuilder.Sql("""
CREATE TABLE "project_parties" (
    "ProjectId" TEXT NOT NULL,
    "OrganisationId" TEXT NOT NULL,
    "Role" TEXT NOT NULL,
    CONSTRAINT "PK_project_parties" PRIMARY KEY ("ProjectId", "OrganisationId"),
    CONSTRAINT "FK_project_parties_organisations_OrganisationId" FOREIGN KEY ("OrganisationId") REFERENCES "organisations" ("Id") ON DELETE RESTRICT,
    CONSTRAINT "FK_project_parties_projects_ProjectId" FOREIGN KEY ("ProjectId") REFERENCES "projects" ("Id") ON DELETE CASCADE
);
""");

        migrationBuilder.Sql("""
CREATE TABLE "project_preparers" (
    "ProjectId" TEXT NOT NULL,
    "ExpertId" TEXT NOT NULL,
    "Note" TEXT NULL,
    CONSTRAINT "PK_project_preparers" PRIMARY KEY ("ProjectId", "ExpertId"),
    CONSTRAINT "FK_project_preparers_experts_ExpertId" FOREIGN KEY ("ExpertId") REFERENCES "experts" ("Id") ON DELETE RESTRICT,
    CONSTRAINT "FK_project_preparers_projects_ProjectId" FOREIGN KEY ("ProjectId") REFERENCES "projects" ("Id") ON DELETE CASCADE
);
""");

        migrationBuilder.Sql("""
CREATE TABLE "declared_conflicts" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_declared_conflicts" PRIMARY KEY,
    "ExpertId" TEXT NOT NULL,
    "OrganisationId" TEXT NOT NULL,
    "Reason" TEXT NOT NULL,
    "DeclaredAt" TEXT NOT NULL,
    "Source" TEXT NOT NULL,
    "PanelRequestId" TEXT NULL,
    "RecordedBy" TEXT NOT NULL,
    CONSTRAINT "FK_declared_conflicts_experts_ExpertId" FOREIGN KEY ("ExpertId") REFERENCES "experts" ("Id") ON DELETE RESTRICT,
    CONSTRAINT "FK_declared_conflicts_organisations_OrganisationId" FOREIGN KEY ("OrganisationId") REFERENCES "organisations" ("Id") ON DELETE RESTRICT,
    CONSTRAINT "FK_declared_conflicts_panel_requests_PanelRequestId" FOREIGN KEY ("PanelRequestId") REFERENCES "panel_requests" ("Id") ON DELETE RESTRICT
);
""");

        migrationBuilder.Sql("""
CREATE TABLE "expert_engagements" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_expert_engagements" PRIMARY KEY,
    "ExpertId" TEXT NOT NULL,
    "ProjectId" TEXT NOT NULL,
    "PanelRequestId" TEXT NULL,
    "ApplicantOrganisationId" TEXT NULL,
    "ReviewDate" TEXT NOT NULL,
    "ConfirmedAt" TEXT NOT NULL,
    CONSTRAINT "FK_expert_engagements_experts_ExpertId" FOREIGN KEY ("ExpertId") REFERENCES "experts" ("Id") ON DELETE RESTRICT,
    CONSTRAINT "FK_expert_engagements_organisations_ApplicantOrganisationId" FOREIGN KEY ("ApplicantOrganisationId") REFERENCES "organisations" ("Id") ON DELETE RESTRICT,
    CONSTRAINT "FK_expert_engagements_panel_requests_PanelRequestId" FOREIGN KEY ("PanelRequestId") REFERENCES "panel_requests" ("Id") ON DELETE RESTRICT,
    CONSTRAINT "FK_expert_engagements_projects_ProjectId" FOREIGN KEY ("ProjectId") REFERENCES "projects" ("Id") ON DELETE RESTRICT
);
""");

        migrationBuilder.Sql("""
CREATE TABLE "manual_exclusions" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_manual_exclusions" PRIMARY KEY,
    "PanelRequestId" TEXT NOT NULL,
    "ExpertId" TEXT NOT NULL,
    "Reason" TEXT NOT NULL,
    "CreatedBy" TEXT NOT NULL,
    "CreatedAt" TEXT NOT NULL,
    CONSTRAINT "FK_manual_exclusions_experts_ExpertId" FOREIGN KEY ("ExpertId") REFERENCES "experts" ("Id") ON DELETE RESTRICT,
    CONSTRAINT "FK_manual_exclusions_panel_requests_PanelRequestId" FOREIGN KEY ("PanelRequestId") REFERENCES "panel_requests" ("Id") ON DELETE RESTRICT
);
""");

        migrationBuilder.Sql("""
CREATE TABLE "panel_quotas" (
    "PanelRequestId" TEXT NOT NULL,
    "Position" INTEGER NOT NULL,
    "Key" TEXT NOT NULL,
    "SpecialtyCode" TEXT NOT NULL,
    "RegionCode" TEXT NULL,
    "Count" INTEGER NOT NULL,
    "Backups" INTEGER NOT NULL,
    CONSTRAINT "PK_panel_quotas" PRIMARY KEY ("PanelRequestId", "Position"),
    CONSTRAINT "FK_panel_quotas_panel_requests_PanelRequestId" FOREIGN KEY ("PanelRequestId") REFERENCES "panel_requests" ("Id") ON DELETE CASCADE
);
""");

        migrationBuilder.Sql("""
CREATE UNIQUE INDEX "IX_conflict_rule_sets_Scope_Version" ON "conflict_rule_sets" ("Scope", "Version");
""");

        migrationBuilder.Sql("""
CREATE INDEX "IX_declared_conflicts_ExpertId" ON "declared_conflicts" ("ExpertId");
""");

        migrationBuilder.Sql("""
CREATE INDEX "IX_declared_conflicts_OrganisationId" ON "declared_conflicts" ("OrganisationId");
""");

        migrationBuilder.Sql("""
CREATE INDEX "IX_declared_conflicts_PanelRequestId" ON "declared_conflicts" ("PanelRequestId");
""");

        migrationBuilder.Sql("""
CREATE INDEX "IX_expert_engagements_ApplicantOrganisationId_ReviewDate" ON "expert_engagements" ("ApplicantOrganisationId", "ReviewDate");
""");

        migrationBuilder.Sql("""
CREATE INDEX "IX_expert_engagements_ExpertId_ReviewDate" ON "expert_engagements" ("ExpertId", "ReviewDate");
""");

        migrationBuilder.Sql("""
CREATE INDEX "IX_expert_engagements_PanelRequestId" ON "expert_engagements" ("PanelRequestId");
""");

        migrationBuilder.Sql("""
CREATE INDEX "IX_expert_engagements_ProjectId" ON "expert_engagements" ("ProjectId");
""");

        migrationBuilder.Sql("""
CREATE INDEX "IX_expert_engagements_ReviewDate_ExpertId" ON "expert_engagements" ("ReviewDate", "ExpertId");
""");

        migrationBuilder.Sql("""
CREATE INDEX "IX_expert_relations_ExpertId" ON "expert_relations" ("ExpertId");
""");

        migrationBuilder.Sql("""
CREATE INDEX "IX_expert_relations_OrganisationId_Kind_To" ON "expert_relations" ("OrganisationId", "Kind", "To");
""");

        migrationBuilder.Sql("""
CREATE INDEX "IX_manual_exclusions_ExpertId" ON "manual_exclusions" ("ExpertId");
""");

        migrationBuilder.Sql("""
CREATE UNIQUE INDEX "IX_manual_exclusions_PanelRequestId_ExpertId" ON "manual_exclusions" ("PanelRequestId", "ExpertId");
""");

        migrationBuilder.Sql("""
CREATE INDEX "IX_panel_requests_ProjectId_CreatedAt" ON "panel_requests" ("ProjectId", "CreatedAt");
""");

        migrationBuilder.Sql("""
CREATE INDEX "IX_panel_requests_Status_ScheduledDrawAt" ON "panel_requests" ("Status", "ScheduledDrawAt");
""");

        migrationBuilder.Sql("""
CREATE UNIQUE INDEX "IX_panel_requests_SupersedesRequestId" ON "panel_requests" ("SupersedesRequestId");
""");

        migrationBuilder.Sql("""
CREATE INDEX "IX_project_parties_OrganisationId" ON "project_parties" ("OrganisationId");
""");

        migrationBuilder.Sql("""
CREATE INDEX "IX_project_preparers_ExpertId" ON "project_preparers" ("ExpertId");
""");

        migrationBuilder.Sql("""
CREATE UNIQUE INDEX "IX_projects_Code" ON "projects" ("Code");
""");

        migrationBuilder.Sql("""
CREATE INDEX "IX_projects_RegionCode" ON "projects" ("RegionCode");
""");

        migrationBuilder.Sql("""
CREATE INDEX "IX_projects_ReviewStartsAt" ON "projects" ("ReviewStartsAt");
""");

        migrationBuilder.Sql("""
CREATE INDEX "IX_experts_Id_RegionCode" ON "experts" ("Id", "RegionCode");
""");

        migrationBuilder.Sql("""
CREATE INDEX "IX_experts_TermEnd" ON "experts" ("TermEnd");
""");

        migrationBuilder.Sql("""
CREATE INDEX "IX_experts_TermStart" ON "experts" ("TermStart");
""");

        // A fresh database always has a default rule set (decision 010).
        migrationBuilder.Sql("""
INSERT INTO "conflict_rule_sets" ("Id", "Scope", "Version", "EngagementType", "CreatedAt", "CreatedBy", "ChangeReason", "SettingsJson")
VALUES ('0193A000-0000-7000-8000-000000000001', 'default', 1, NULL, '2026-11-22 00:03:00', 'system', '初始默认规则 / initial default rules', '{"labourRelationYears":3,"governanceRelationYears":3,"disputeOrInvestment":true,"disputeOrInvestmentYears":3,"familyRelation":true,"priorInvolvement":true,"sameOrganisation":true,"workloadCapPer12Months":10,"cooldownMonthsSameApplicant":12,"regionAvoidance":false,"availability":true,"statusAndTerm":true,"declaredConflicts":true,"manualExclusions":true}');
""");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("DROP INDEX \"IX_experts_Id_RegionCode\";");
        migrationBuilder.Sql("DROP INDEX \"IX_experts_TermEnd\";");
        migrationBuilder.Sql("DROP INDEX \"IX_experts_TermStart\";");
        migrationBuilder.Sql("DROP TABLE manual_exclusions;");
        migrationBuilder.Sql("DROP TABLE expert_engagements;");
        migrationBuilder.Sql("DROP TABLE declared_conflicts;");
        migrationBuilder.Sql("DROP TABLE panel_quotas;");
        migrationBuilder.Sql("DROP TABLE panel_requests;");
        migrationBuilder.Sql("DROP TABLE project_preparers;");
        migrationBuilder.Sql("DROP TABLE project_parties;");
        migrationBuilder.Sql("DROP TABLE projects;");
        migrationBuilder.Sql("DROP TABLE expert_relations;");
        migrationBuilder.Sql("DROP TABLE conflict_rule_sets;");
    }
}
