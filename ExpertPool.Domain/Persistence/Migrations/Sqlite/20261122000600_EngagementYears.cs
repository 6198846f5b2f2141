// Hand-written: EF design-time tools are not available here. See docs/decisions/002-hand-written-migrations.md.
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace ExpertPool.Domain.Persistence.Migrations.Sqlite;

/// <summary>
/// Engagements per expert and calendar year, kept by triggers on expert_engagements and filled from the existing rows,
/// so the workload-cap rule reads a year's busy experts from an index instead of grouping a year of engagements.
/// </summary>
[DbContext(typeof(SqliteExpertPoolDbContext))]
[Migration("20261122000600_EngagementYears")]
public sealed class EngagementYears : Migration
{
    private static string Year(string row) => $"""CAST(substr({row}."ReviewDate", 1, 4) AS INTEGER)""";

    private static string Add(string row) => $"""
    INSERT INTO "expert_engagement_years" ("ExpertId", "Year", "Count")
    VALUES ({row}."ExpertId", {Year(row)}, 1)
    ON CONFLICT ("ExpertId", "Year") DO UPDATE SET "Count" = "Count" + 1;
""";

    private static string Remove(string row) => $"""
    UPDATE "expert_engagement_years" SET "Count" = "Count" - 1
    WHERE "ExpertId" = {row}."ExpertId" AND "Year" = {Year(row)};
    DELETE FROM "expert_engagement_years" WHERE "ExpertId" = {row}."ExpertId" AND "Count" <= 0;
""";

    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
CREATE TABLE "expert_engagement_years" (
    "ExpertId" TEXT NOT NULL,
    "Year" INTEGER NOT NULL,
    "Count" INTEGER NOT NULL,
    CONSTRAINT "PK_expert_engagement_years" PRIMARY KEY ("ExpertId", "Year"),
    CONSTRAINT "FK_expert_engagement_years_experts_ExpertId" FOREIGN KEY ("ExpertId") REFERENCES "experts" ("Id") ON DELETE RESTRICT
);
""");
        migrationBuilder.Sql("""
CREATE INDEX "IX_expert_engagement_years_Year_Count_ExpertId" ON "expert_engagement_years" ("Year", "Count", "ExpertId");
""");
        migrationBuilder.Sql("""
INSERT INTO "expert_engagement_years" ("ExpertId", "Year", "Count")
SELECT "ExpertId", CAST(substr("ReviewDate", 1, 4) AS INTEGER), COUNT(*) FROM "expert_engagements" GROUP BY 1, 2;
""");
        migrationBuilder.Sql($"""
CREATE TRIGGER "expert_engagements_years_insert" AFTER INSERT ON "expert_engagements"
BEGIN
{Add("NEW")}END;
""");
        migrationBuilder.Sql($"""
CREATE TRIGGER "expert_engagements_years_delete" AFTER DELETE ON "expert_engagements"
BEGIN
{Remove("OLD")}END;
""");
        migrationBuilder.Sql($"""
CREATE TRIGGER "expert_engagements_years_update" AFTER UPDATE OF "ExpertId", "ReviewDate" ON "expert_engagements"
BEGIN
{Remove("OLD")}{Add("NEW")}END;
""");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""DROP TRIGGER "expert_engagements_years_update";""");
        migrationBuilder.Sql("""DROP TRIGGER "expert_engagements_years_delete";""");
        migrationBuilder.Sql("""DROP TRIGGER "expert_engagements_years_insert";""");
        migrationBuilder.Sql("""DROP TABLE "expert_engagement_years";""");
    }
}
