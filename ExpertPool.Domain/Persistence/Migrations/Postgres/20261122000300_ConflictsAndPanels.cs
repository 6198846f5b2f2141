// Hand-written: EF design-time tools are not available here. See docs/decisions/002-hand-written-migrations.md.
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace ExpertPool.Domain.Persistence.Migrations.Postgres;

[DbContext(typeof(PostgresExpertPoolDbContext))]
[Migration("20261122000300_ConflictsAndPanels")]
public sealed class ConflictsAndPanels : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
CREATE TABLE conflict_rule_sets (
    "Id" uuid NOT NULL,
    "Scope" character varying(32) NOT NULL,
    "Version" integer NOT NULL,
    "EngagementType" character varying(32),
    "CreatedAt" timestamp with time zone NOT NULL,
    "CreatedBy" character varying(100) NOT NULL,
    "ChangeReason" character varying(500) NOT NULL,
    "SettingsJson" text NOT NULL,
    CONSTRAINT "PK_conflict_rule_sets" PRIMARY KEY ("Id")
);
""");

        migrationBuilder.Sql("""
CREATE TABLE projects (
    "Id" uuid NOT NULL,
    "Code" character varying(32) NOT NULL,
    "Name" character varying(200) NOT NULL,
    "EngagementType" character varying(32) NOT NULL,
    "ReviewStartsAt" timestamp with time zone NOT NULL,
    "Place" character varying(200) NOT NULL,
    "RegionCode" character varying(6),
    "CreatedBy" character varying(100) NOT NULL,
    "CreatedAt" timestamp with time zone NOT NULL,
    "UpdatedAt" timestamp with time zone NOT NULL,
    CONSTRAINT "PK_projects" PRIMARY KEY ("Id"),
    CONSTRAINT "FK_projects_regions_RegionCode" FOREIGN KEY ("RegionCode") REFERENCES regions ("Code") ON DELETE RESTRICT
);
""");

        migrationBuilder.Sql("""
CREATE TABLE expert_relations (
    "Id" uuid NOT NULL,
    "ExpertId" uuid NOT NULL,
    "OrganisationId" uuid NOT NULL,
    "Kind" character varying(32) NOT NULL,
    "From" date,
    "To" date,
    "Note" character varying(500),
    "RecordedBy" character varying(100) NOT NULL,
    "RecordedAt" timestamp with time zone NOT NULL,
    "EndedAt" timestamp with time zone,
    CONSTRAINT "PK_expert_relations" PRIMARY KEY ("Id"),
    CONSTRAINT "FK_expert_relations_experts_ExpertId" FOREIGN KEY ("ExpertId") REFERENCES experts ("Id") ON DELETE RESTRICT,
    CONSTRAINT "FK_expert_relations_organisations_OrganisationId" FOREIGN KEY ("OrganisationId") REFERENCES organisations ("Id") ON DELETE RESTRICT
);
""");

        migrationBuilder.Sql("""
CREATE TABLE panel_requests (
    "Id" uuid NOT NULL,
    "ProjectId" uuid NOT NULL,
    "ReplyDeadline" timestamp with time zone NOT NULL,
    "ScheduledDrawAt" timestamp with time zone NOT NULL,
    "SupervisorName" character varying(100) NOT NULL,
    "RequestedBy" character varying(100) NOT NULL,
    "CreatedAt" timestamp with time zone NOT NULL,
    "Status" character varying(16) NOT NULL,
    "CancelReason" character varying(500),
    "CancelledBy" character varying(100),
    "CancelledAt" timestamp with time zone,
    "DrawnAt" timestamp with time zone,
    "FailureReason" character varying(2000),
    "SupersedesRequestId" uuid,
    "RedrawReason" character varying(500),
    "Commitment" character varying(64) NOT NULL,
    "Nonce" bytea NOT NULL,
    CONSTRAINT "PK_panel_requests" PRIMARY KEY ("Id"),
    CONSTRAINT "FK_panel_requests_panel_requests_SupersedesRequestId" FOREIGN KEY ("SupersedesRequestId") REFERENCES panel_requests ("Id") ON DELETE RESTRICT,
    CONSTRAINT "FK_panel_requests_projects_ProjectId" FOREIGN KEY ("ProjectId") REFERENCES projects ("Id") ON DELETE RESTRICT
);
""");

        migrationBuilder.Sql("""
CREATE TABLE project_parties (
    "ProjectId" uuid NOT NULL,
    "OrganisationId" uuid NOT NULL,
    "Role" character varying(16) NOT NULL,
    CONSTRAINT "PK_project_parties" PRIMARY KEY ("ProjectId", "OrganisationId"),
    CONSTRAINT "FK_project_parties_organisations_OrganisationId" FOREIGN KEY ("OrganisationId") REFERENCES organisations ("Id") ON DELETE RESTRICT,
    CONSTRAINT "FK_project_parties_projects_ProjectId" FOREIGN KEY ("ProjectId") REFERENCES projects ("Id") ON DELETE CASCADE
);
""");

        migrationBuilder.Sql("""
CREATE TABLE project_preparers (
    "ProjectId" uuid NOT NULL,
    "ExpertId" uuid NOT NULL,
    "Note" character varying(200),
    CONSTRAINT "PK_project_preparers" PRIMARY KEY ("ProjectId", "ExpertId"),
    CONSTRAINT "FK_project_preparers_experts_ExpertId" FOREIGN KEY ("ExpertId") REFERENCES experts ("Id") ON DELETE RESTRICT,
    CONSTRAINT "FK_project_preparers_projects_ProjectId" FOREIGN KEY ("ProjectId") REFERENCES projects ("Id") ON DELETE CASCADE
);
""");

        migrationBuilder.Sql("""
CREATE TABLE declared_conflicts (
    "Id" uuid NOT NULL,
    "ExpertId" uuid NOT NULL,
    "OrganisationId" uuid NOT NULL,
    "Reason" character varying(500) NOT NULL,
    "DeclaredAt" timestamp with time zone NOT NULL,
    "Source" character varying(32) NOT NULL,
    "PanelRequestId" uuid,
    "RecordedBy" character varying(100) NOT NULL,
    CONSTRAINT "PK_declared_conflicts" PRIMARY KEY ("Id"),
    CONSTRAINT "FK_declared_conflicts_experts_ExpertId" FOREIGN KEY ("ExpertId") REFERENCES experts ("Id") ON DELETE RESTRICT,
    CONSTRAINT "FK_declared_conflicts_organisations_OrganisationId" FOREIGN KEY ("OrganisationId") REFERENCES organisations ("Id") ON DELETE RESTRICT,
    CONSTRAINT "FK_declared_conflicts_panel_requests_PanelRequestId" FOREIGN KEY ("PanelRequestId") REFERENCES panel_requests ("Id") ON DELETE RESTRICT
);
""");

        migrationBuilder.Sql("""
CREATE TABLE expert_engagements (
    "Id" uuid NOT NULL,
    "ExpertId" uuid NOT NULL,
    "ProjectId" uuid NOT NULL,
    "PanelRequestId" uuid,
    "ApplicantOrganisationId" uuid,
    "ReviewDate" date NOT NULL,
    "ConfirmedAt" timestamp with time zone NOT NULL,
    CONSTRAINT "PK_expert_engagements" PRIMARY KEY ("Id"),
    CONSTRAINT "FK_expert_engagements_experts_ExpertId" FOREIGN KEY ("ExpertId") REFERENCES experts ("Id") ON DELETE RESTRICT,
    CONSTRAINT "FK_expert_engagements_organisations_ApplicantOrganisationId" FOREIGN KEY ("ApplicantOrganisationId") REFERENCES organisations ("Id") ON DELETE RESTRICT,
    CONSTRAINT "FK_expert_engagements_panel_requests_PanelRequestId" FOREIGN KEY ("PanelRequestId") REFERENCES panel_requests ("Id") ON DELETE RESTRICT,
    CONSTRAINT "FK_expert_engagements_projects_ProjectId" FOREIGN KEY ("ProjectId") REFERENCES projects ("Id") ON DELETE RESTRICT
);
""");

        migrationBuilder.Sql("""
CREATE TABLE manual_exclusions (
    "Id" uuid NOT NULL,
    "PanelRequestId" uuid NOT NULL,
    "ExpertId" uuid NOT NULL,
    "Reason" character varying(500) NOT NULL,
    "CreatedBy" character varying(100) NOT NULL,
    "CreatedAt" timestamp with time zone NOT NULL,
    CONSTRAINT "PK_manual_exclusions" PRIMARY KEY ("Id"),
    CONSTRAINT "FK_manual_exclusions_experts_ExpertId" FOREIGN KEY ("ExpertId") REFERENCES experts ("Id") ON DELETE RESTRICT,
    CONSTRAINT "FK_manual_exclusions_panel_requests_PanelRequestId" FOREIGN KEY ("PanelRequestId") REFERENCES panel_requests ("Id") ON DELETE RESTRICT
);
""");

        migrationBuilder.Sql("""
CREATE TABLE panel_quotas (
    "PanelRequestId" uuid NOT NULL,
    "Position" integer NOT NULL,
    "Key" character varying(8) NOT NULL,
    "SpecialtyCode" character varying(32) NOT NULL,
    "RegionCode" character varying(6),
    "Count" integer NOT NULL,
    "Backups" integer NOT NULL,
    CONSTRAINT "PK_panel_quotas" PRIMARY KEY ("PanelRequestId", "Position"),
    CONSTRAINT "FK_panel_quotas_panel_requests_PanelRequestId" FOREIGN KEY ("PanelRequestId") REFERENCES panel_requests ("Id") ON DELETE CASCADE
);
""");

        migrationBuilder.Sql("""
CREATE UNIQUE INDEX "IX_conflict_rule_sets_Scope_Version" ON conflict_rule_sets ("Scope", "Version");
""");

        migrationBuilder.Sql("""
CREATE INDEX "IX_declared_conflicts_ExpertId" ON declared_conflicts ("ExpertId");
""");

        migrationBuilder.Sql("""
CREATE INDEX "IX_declared_conflicts_OrganisationId" ON declared_conflicts ("OrganisationId");
""");

        migrationBuilder.Sql("""
CREATE INDEX "IX_declared_conflicts_PanelRequestId" ON declared_conflicts ("PanelRequestId");
""");

        migrationBuilder.Sql("""
CREATE INDEX "IX_expert_engagements_ApplicantOrganisationId_ReviewDate" ON expert_engagements ("ApplicantOrganisationId", "ReviewDate");
""");

        migrationBuilder.Sql("""
CREATE INDEX "IX_expert_engagements_ExpertId_ReviewDate" ON expert_engagements ("ExpertId", "ReviewDate");
""");

        migrationBuilder.Sql("""
CREATE INDEX "IX_expert_engagements_PanelRequestId" ON expert_engagements ("PanelRequestId");
""");

        migrationBuilder.Sql("""
CREATE INDEX "IX_expert_engagements_ProjectId" ON expert_engagements ("ProjectId");
""");

        migrationBuilder.Sql("""
CREATE INDEX "IX_expert_engagements_ReviewDate_ExpertId" ON expert_engagements ("ReviewDate", "ExpertId");
""");

        migrationBuilder.Sql("""
CREATE INDEX "IX_expert_relations_ExpertId" ON expert_relations ("ExpertId");
""");

        migrationBuilder.Sql("""
CREATE INDEX "IX_expert_relations_OrganisationId_Kind_To" ON expert_relations ("OrganisationId", "Kind", "To");
""");

        migrationBuilder.Sql("""
CREATE INDEX "IX_manual_exclusions_ExpertId" ON manual_exclusions ("ExpertId");
""");

        migrationBuilder.Sql("""
CREATE UNIQUE INDEX "IX_manual_exclusions_PanelRequestId_ExpertId" ON manual_exclusions ("PanelRequestId", "ExpertId");
""");

        migrationBuilder.Sql("""
CREATE INDEX "IX_panel_requests_ProjectId_CreatedAt" ON panel_requests ("ProjectId", "CreatedAt");
""");

        migrationBuilder.Sql("""
CREATE INDEX "IX_panel_requests_Status_ScheduledDrawAt" ON panel_requests ("Status", "ScheduledDrawAt");
""");

        migrationBuilder.Sql("""
CREATE UNIQUE INDEX "IX_panel_requests_SupersedesRequestId" ON panel_requests ("SupersedesRequestId");
""");

        migrationBuilder.Sql("""
CREATE INDEX "IX_project_parties_OrganisationId" ON project_parties ("OrganisationId");
""");

        migrationBuilder.Sql("""
CREATE INDEX "IX_project_preparers_ExpertId" ON project_preparers ("ExpertId");
""");

        migrationBuilder.Sql("""
CREATE UNIQUE INDEX "IX_projects_Code" ON projects ("Code");
""");

        migrationBuilder.Sql("""
CREATE INDEX "IX_projects_RegionCode" ON projects ("RegionCode");
""");

        migrationBuilder.Sql("""
CREATE INDEX "IX_projects_ReviewStartsAt" ON projects ("ReviewStartsAt");
""");

        migrationBuilder.Sql("""
CREATE INDEX "IX_experts_Id_RegionCode" ON experts ("Id", "RegionCode");
""");

        migrationBuilder.Sql("""
CREATE INDEX "IX_experts_TermEnd" ON experts ("TermEnd");
""");

        migrationBuilder.Sql("""
CREATE INDEX "IX_experts_TermStart" ON experts ("TermStart");
""");

        // A fresh database always has a default rule set (decision 010).
        migrationBuilder.Sql("""
INSERT INTO conflict_rule_sets ("Id", "Scope", "Version", "EngagementType", "CreatedAt", "CreatedBy", "ChangeReason", "SettingsJson")
VALUES ('0193a000-0000-7000-8000-000000000001', 'default', 1, NULL, TIMESTAMPTZ '2026-11-22 00:03:00+00', 'system', '初始默认规则 / initial default rules', '{"labourRelationYears":3,"governanceRelationYears":3,"disputeOrInvestment":true,"disputeOrInvestmentYears":3,"familyRelation":true,"priorInvolvement":true,"sameOrganisation":true,"workloadCapPer12Months":10,"cooldownMonthsSameApplicant":12,"regionAvoidance":false,"availability":true,"statusAndTerm":true,"declaredConflicts":true,"manualExclusions":true}');
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
