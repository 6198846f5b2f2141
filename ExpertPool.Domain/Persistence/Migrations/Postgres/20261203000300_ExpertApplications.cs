// Hand-written: EF design-time tools are not available here. See docs/decisions/002-hand-written-migrations.md.
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace ExpertPool.Domain.Persistence.Migrations.Postgres;

/// <summary>
/// Applications from the public form (公开征集, decision 030): expert_applications, append-only, at most one per
/// expert. Experts registered before this migration (by an administrator or a CSV import) have none.
/// </summary>
[DbContext(typeof(PostgresExpertPoolDbContext))]
[Migration("20261203000300_ExpertApplications")]
public sealed class ExpertApplications : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
CREATE TABLE expert_applications (
    "Id" uuid NOT NULL,
    "ExpertId" uuid NOT NULL,
    "Channel" character varying(32) NOT NULL,
    "YearsOfExperience" integer NOT NULL,
    "Statement" character varying(2000) NOT NULL,
    "Recommender" character varying(200),
    "ConsentText" character varying(1000) NOT NULL,
    "SubmittedAt" timestamp with time zone NOT NULL,
    CONSTRAINT "PK_expert_applications" PRIMARY KEY ("Id"),
    CONSTRAINT "FK_expert_applications_experts_ExpertId" FOREIGN KEY ("ExpertId") REFERENCES experts ("Id") ON DELETE RESTRICT
);
""");
        migrationBuilder.Sql("""
CREATE UNIQUE INDEX "IX_expert_applications_ExpertId" ON expert_applications ("ExpertId");
""");
        migrationBuilder.Sql("""
CREATE TRIGGER "expert_applications_no_update" BEFORE UPDATE ON expert_applications FOR EACH ROW EXECUTE FUNCTION expertpool_refuse_change();
""");
        migrationBuilder.Sql("""
CREATE TRIGGER "expert_applications_no_delete" BEFORE DELETE ON expert_applications FOR EACH ROW EXECUTE FUNCTION expertpool_refuse_change();
""");
        // Row triggers do not fire for TRUNCATE (as for the other append-only tables, migration 20261202000100).
        migrationBuilder.Sql("""
CREATE TRIGGER "expert_applications_no_truncate" BEFORE TRUNCATE ON expert_applications FOR EACH STATEMENT EXECUTE FUNCTION expertpool_refuse_change();
""");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""DROP TRIGGER "expert_applications_no_update" ON expert_applications;""");
        migrationBuilder.Sql("""DROP TRIGGER "expert_applications_no_delete" ON expert_applications;""");
        migrationBuilder.Sql("""DROP TRIGGER "expert_applications_no_truncate" ON expert_applications;""");
        migrationBuilder.Sql("""DROP TABLE expert_applications;""");
    }
}
