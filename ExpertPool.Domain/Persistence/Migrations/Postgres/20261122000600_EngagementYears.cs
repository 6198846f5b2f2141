// Hand-written: EF design-time tools are not available here. See docs/decisions/002-hand-written-migrations.md.
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace ExpertPool.Domain.Persistence.Migrations.Postgres;

/// <summary>
/// Engagements per expert and calendar year, kept by a trigger on expert_engagements and filled from the existing rows,
/// so the workload-cap rule reads a year's busy experts from an index instead of grouping a year of engagements.
/// </summary>
[DbContext(typeof(PostgresExpertPoolDbContext))]
[Migration("20261122000600_EngagementYears")]
public sealed class EngagementYears : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        // No engagement may be written between the fill below and the trigger: a count that runs low would let an
        // overloaded expert through. The lock blocks writers (not readers) until the migration commits.
        migrationBuilder.Sql("""LOCK TABLE expert_engagements IN SHARE ROW EXCLUSIVE MODE;""");
        migrationBuilder.Sql("""
CREATE TABLE expert_engagement_years (
    "ExpertId" uuid NOT NULL,
    "Year" integer NOT NULL,
    "Count" integer NOT NULL,
    CONSTRAINT "PK_expert_engagement_years" PRIMARY KEY ("ExpertId", "Year"),
    CONSTRAINT "FK_expert_engagement_years_experts_ExpertId" FOREIGN KEY ("ExpertId") REFERENCES experts ("Id") ON DELETE RESTRICT
);
""");
        migrationBuilder.Sql("""
CREATE INDEX "IX_expert_engagement_years_Year_Count_ExpertId" ON expert_engagement_years ("Year", "Count", "ExpertId");
""");
        migrationBuilder.Sql("""
INSERT INTO expert_engagement_years ("ExpertId", "Year", "Count")
SELECT "ExpertId", EXTRACT(YEAR FROM "ReviewDate")::integer, COUNT(*) FROM expert_engagements GROUP BY 1, 2;
""");
        migrationBuilder.Sql("""
CREATE FUNCTION expertpool_engagement_years() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE expert_engagement_years SET "Count" = "Count" - 1
        WHERE "ExpertId" = OLD."ExpertId" AND "Year" = EXTRACT(YEAR FROM OLD."ReviewDate")::integer;
        DELETE FROM expert_engagement_years WHERE "ExpertId" = OLD."ExpertId" AND "Count" <= 0;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO expert_engagement_years ("ExpertId", "Year", "Count")
        VALUES (NEW."ExpertId", EXTRACT(YEAR FROM NEW."ReviewDate")::integer, 1)
        ON CONFLICT ("ExpertId", "Year") DO UPDATE SET "Count" = expert_engagement_years."Count" + 1;
    END IF;
    RETURN NULL;
END
$fn$;
""");
        migrationBuilder.Sql("""
CREATE TRIGGER "expert_engagements_years" AFTER INSERT OR DELETE OR UPDATE OF "ExpertId", "ReviewDate" ON expert_engagements
FOR EACH ROW EXECUTE FUNCTION expertpool_engagement_years();
""");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""DROP TRIGGER "expert_engagements_years" ON expert_engagements;""");
        migrationBuilder.Sql("""DROP FUNCTION expertpool_engagement_years();""");
        migrationBuilder.Sql("""DROP TABLE expert_engagement_years;""");
    }
}
